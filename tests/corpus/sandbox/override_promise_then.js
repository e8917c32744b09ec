// expect: ok
// result: 3
Promise.prototype.then = function () { throw new Error("hijacked then"); };
return await codemode.add({ a: 1, b: 2 });
