// expect: ok
// result: {"a": "trapped a", "b": "trapped b"}
const args = new Proxy({ a: 1, b: 2 }, { get(target, key) { return typeof key === "string" ? "trapped " + key : undefined; } });
return await codemode.echo(args);
