// expect: ok
// result: "undefined undefined"
// The Function constructor reached through any function builds functions in the sandbox.
const F = (() => {}).constructor.constructor;
return F("return typeof process + ' ' + typeof require")();
