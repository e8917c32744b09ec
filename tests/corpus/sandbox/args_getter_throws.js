// expect: exception
await codemode.echo({ get secret() { throw new Error("getter refused"); } });
