// expect: exception
await codemode.echo(new Map([["a", 1]]));
