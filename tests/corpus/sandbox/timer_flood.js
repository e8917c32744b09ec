// expect: memory
// timeout-ms: 20000
// Every pending timer holds its callback in the sandbox heap, so timers count against memory.
for (;;) setTimeout(() => {}, 1e9);
