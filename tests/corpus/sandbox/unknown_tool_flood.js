// expect: unknown_tool
const calls = [];
for (let i = 0; i < 500; i++) calls[i] = codemode["missing" + i]({});
await Promise.all(calls);
