// expect: ok
// result: 900
const calls = [];
for (let i = 0; i < 900; i++) calls[i] = codemode.sleep({ ms: i % 7 });
return (await Promise.all(calls)).length;
