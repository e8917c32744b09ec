// expect: too_many_calls
for (;;) codemode.add({ a: 1, b: 1 });
