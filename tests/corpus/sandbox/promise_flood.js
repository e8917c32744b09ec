// expect: memory
// timeout-ms: 10000
const all = [];
for (;;) all.push(Promise.resolve(all.length).then((x) => x + 1));
