// expect: exception
let args = {};
for (let i = 0; i < 1000; i++) args = { args };
await codemode.echo(args);
