// expect: exception
await codemode.echo({ toJSON() { return 5; } });
