// expect: ok
// result: "logged"
// logs: ["Proxy {a: 1} [Proxy {a: 1}]"]
// Every trap loops forever: logging the proxy must not call one.
const forever = () => { for (;;) {} };
const proxy = new Proxy({ a: 1 }, {
  get: forever, has: forever, ownKeys: forever, getOwnPropertyDescriptor: forever,
  getPrototypeOf: forever, apply: forever, construct: forever,
});
console.log(proxy, [proxy]);
return "logged";
