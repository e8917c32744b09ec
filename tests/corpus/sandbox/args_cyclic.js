// expect: exception
const args = { a: 1 };
args.self = args;
await codemode.echo(args);
