// expect: timeout
await codemode.echo({ get forever() { for (;;) {} } });
