// expect: exception
await codemode.echo({ n: 1n });
