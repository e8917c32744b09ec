// expect: ok
// result: {"echoed": {"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}, "polluted": false}
const args = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
const echoed = await codemode.echo(args);
return { echoed, polluted: ({}).polluted === true || Object.prototype.polluted === true };
