// expect: exception
await Promise.reject(Symbol("why"));
