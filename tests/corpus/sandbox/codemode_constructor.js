// expect: exception
// Property lookups on `codemode` name host functions, so this is a call, not a constructor.
return codemode.constructor.constructor("return process")();
