// expect: ok
// result: "logged"
// timeout-ms: 10000
// The keys of an object are listed once; the first hundred are shown.
const wide = {};
for (let i = 0; i < 100000; i++) wide["k" + i] = i;
for (let i = 0; i < 10; i++) console.log(wide);
return "logged";
