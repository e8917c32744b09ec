// expect: ok
// result: "logged"
// timeout-ms: 10000
const bytes = new Uint8Array(16 * 1024 * 1024);
for (let i = 0; i < 50; i++) console.log(bytes, new Float64Array(bytes.buffer));
return "logged";
