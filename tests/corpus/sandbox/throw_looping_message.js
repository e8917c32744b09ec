// expect: timeout
const error = new Error("x");
Object.defineProperty(error, "message", { get() { for (;;) {} } });
throw error;
