// expect: exception
// Resolving the result looks up `then` on the proxy, which throws.
const { proxy, revoke } = Proxy.revocable({}, {});
revoke();
return proxy;
