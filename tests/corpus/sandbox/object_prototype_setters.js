// expect: ok
// result: {"x": 3}
for (const key of ["0", "1", "2", "3", "resolve", "reject", "value", "path", "id", "tool", "name", "message"]) {
  Object.defineProperty(Object.prototype, key, { __proto__: null, set() { throw new Error("setter " + key); }, configurable: true });
}
const x = await codemode.add({ a: 1, b: 2 });
const [y] = await Promise.all([codemode.add({ a: 1, b: 2 })]);
return { x: x === y ? x : -1 };
