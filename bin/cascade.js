#!/usr/bin/env node

const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'src', 'main.js');
if (!existsSync(entry)) {
  console.error('Cascade is not built yet: run `npm run build` (npm start does it for you).');
  process.exit(1);
}
require(entry);
