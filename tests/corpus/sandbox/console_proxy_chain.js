// expect: ok
// result: "logged"
// logs: ["Proxy Proxy Proxy Proxy Proxy Proxy [Proxy]"]
// timeout-ms: 10000
// A proxy of a proxy of ... a hundred thousand deep is cut, not walked.
let proxy = {};
for (let i = 0; i < 100000; i++) proxy = new Proxy(proxy, {});
console.log(proxy);
return "logged";
