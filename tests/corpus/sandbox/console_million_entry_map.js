// expect: ok
// result: 1000000
// memory-mb: 128
// timeout-ms: 20000
// Logging a map costs what logging its first hundred entries costs.
const map = new Map();
for (let i = 0; i < 1000000; i++) map.set(i, i);
for (let i = 0; i < 20; i++) console.log(map);
return map.size;
