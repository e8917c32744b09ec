// expect: ok
// result: "logged"
// timeout-ms: 10000
// One call lists at most a million keys in all: later copies are summarized.
const wide = {};
for (let i = 0; i < 300000; i++) wide["k" + i] = i;
const sparse = [];
sparse[1e9] = 1;
for (let i = 0; i < 5; i++) console.log(Array(100).fill(wide), Array(100).fill(sparse));
return "logged";
