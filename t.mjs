import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
let t=Date.now();
const a = await PGlite.create({dataDir:'memory://'});
await a.exec('create table x(a int)');
const dump = await a.dumpDataDir('none');
console.log('first+dump', Date.now()-t, dump.size); 
for (let i=0;i<3;i++){ t=Date.now();
const b = await PGlite.create({dataDir:'memory://', loadDataDir: dump});
console.log('load', Date.now()-t); await b.close();}
const wasmModule = await WebAssembly.compile(readFileSync('node_modules/@electric-sql/pglite/dist/pglite.wasm'));
t=Date.now();
const c = await PGlite.create({dataDir:'memory://', loadDataDir: dump, wasmModule});
console.log('load+module', Date.now()-t);
