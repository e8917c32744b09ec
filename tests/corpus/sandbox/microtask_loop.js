// expect: timeout
function again() { Promise.resolve().then(again); }
again();
await new Promise(() => {});
