// expect: ok
// result: {"kept": 1, "list": [null, null, 2]}
return await codemode.echo({ kept: 1, f() {}, s: Symbol("x"), [Symbol("key")]: 1, list: [() => 1, Symbol("y"), 2] });
