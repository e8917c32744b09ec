// expect: memory
const views = [];
for (;;) views.push(new Float64Array(1024 * 1024));
