// expect: ok
// result: [3, 4]
globalThis.Promise = function () { throw new Error("hijacked Promise"); };
const a = await codemode.add({ a: 1, b: 2 });
const b = await codemode.double({ n: 2 });
return [a, b];
