// expect: ok
// result: 4000000
// timeout-ms: 10000
const echoed = await codemode.echo({ s: "x".repeat(4000000) });
return echoed.s.length;
