// expect: ok
// result: "logged"
// logs: ["[[Error: hidden]]"]
// The error's name is looked up along its prototypes, which stops at a proxy.
const error = new Error("hidden");
Object.setPrototypeOf(error, new Proxy({}, { get() { for (;;) {} }, getOwnPropertyDescriptor() { for (;;) {} } }));
console.log([error]);
return "logged";
