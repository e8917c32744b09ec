// expect: ok
// result: "logged"
// timeout-ms: 10000
// A long string inside a value is cut; only its first characters are converted.
const huge = "x".repeat(20000000);
console.log([huge], { huge }, new Map([[huge, huge]]));
return "logged";
