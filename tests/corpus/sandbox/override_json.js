// expect: ok
// result: {"sum": 3, "parsed": true}
JSON.stringify = () => { throw new Error("hijacked stringify"); };
JSON.parse = () => { throw new Error("hijacked parse"); };
console.log({ a: 1 });
const sum = await codemode.add({ a: 1, b: 2 });
return { sum, parsed: true };
