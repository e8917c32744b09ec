// expect: memory
const all = [];
for (;;) all.push(Promise.resolve(all.length).then((x) => x + 1));
