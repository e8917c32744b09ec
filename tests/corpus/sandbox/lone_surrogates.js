// expect: ok
// result: {"echoed": "\uFFFDx", "returned": "a\uFFFDb"}
console.log("lone \uD800 surrogate");
const echoed = (await codemode.echo({ s: "\uDC00x" })).s;
return { echoed, returned: "a\uD800b" };
