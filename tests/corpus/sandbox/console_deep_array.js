// expect: ok
// result: "logged"
// logs: ["[[[[[[[Array]]]]]]]"]
// timeout-ms: 10000
let deep = [];
for (let i = 0; i < 100000; i++) deep = [deep];
console.log(deep);
return "logged";
