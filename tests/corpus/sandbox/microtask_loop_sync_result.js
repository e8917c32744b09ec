// expect: timeout
// The result is ready at once, but the microtask queue never drains.
function again() { queueMicrotask ? queueMicrotask(again) : Promise.resolve().then(again); }
again();
return 1;
