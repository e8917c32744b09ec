// expect: ok
// result: 3
Object.prototype[Symbol.toPrimitive] = () => { throw new Error("hijacked toPrimitive"); };
Object.prototype.toString = () => { throw new Error("hijacked toString"); };
String.prototype.toString = () => { throw new Error("hijacked String toString"); };
console.log({ a: 1 }, new Error("printed"));
return await codemode.add({ a: 1, b: 2 });
