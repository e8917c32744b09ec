// expect: too_many_calls
for (;;) { try { await codemode.add({ a: 1, b: 1 }); } catch (e) {} }
