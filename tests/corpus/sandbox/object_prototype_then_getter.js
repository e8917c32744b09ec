// expect: timeout
// Returning an object makes the result promise look up `then`, which never returns.
Object.defineProperty(Object.prototype, "then", { get() { for (;;) {} }, configurable: true });
return { x: 1 };
