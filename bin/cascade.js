#!/usr/bin/env node
'use strict';
let cli;
try {
  cli = require('../dist/src/cli.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') {
    console.error('Cascade is not built yet: run `npm run build` (npm start does it for you).');
    process.exit(1);
  }
  throw err;
}
cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
