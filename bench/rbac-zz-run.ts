import bench from './rbac.bench.js';
await bench({ quick: process.argv.includes('--quick'), corpusDir: () => '', table: (t, rows) => { console.log(t); console.table(rows); } });
