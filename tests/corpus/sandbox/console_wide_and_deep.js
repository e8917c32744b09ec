// expect: output_limit
// timeout-ms: 10000
// A hundred entries at each of six levels is 10^12 entries: rendering stops at the
// console's output limit.
let level = 0;
for (let i = 0; i < 6; i++) level = Array.from({ length: 100 }, () => level);
console.log(level);
