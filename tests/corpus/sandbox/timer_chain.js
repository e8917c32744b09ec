// expect: timeout
function tick() { setTimeout(tick, 0); }
tick();
await new Promise(() => {});
