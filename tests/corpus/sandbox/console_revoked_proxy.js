// expect: ok
// result: "logged"
// logs: ["Proxy <revoked> {p: Proxy <revoked>}"]
const { proxy, revoke } = Proxy.revocable({}, {});
revoke();
console.log(proxy, { p: proxy });
return "logged";
