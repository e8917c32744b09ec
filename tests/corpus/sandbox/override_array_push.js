// expect: ok
// result: [2, 4, 6]
Array.prototype.push = () => { throw new Error("hijacked push"); };
Array.prototype[Symbol.iterator] = function* () { throw new Error("hijacked iterator"); };
const results = [];
for (let i = 1; i <= 3; i++) results[results.length] = await codemode.double({ n: i });
return results;
