// expect: ok
// result: 0
// logs: ["Map(1) {1 => 2} Set(1) {3} 1970-01-01T00:00:00.000Z /x/gi [Number: 5] [String: \"s\"]"]
// Built-ins replaced by the program are never what the console calls.
let calls = 0;
const spy = () => { calls++; for (;;) {} };
Object.getPrototypeOf(new Map().entries()).next = spy;
Map.prototype.entries = spy;
Set.prototype.values = spy;
Object.defineProperty(Map.prototype, "size", { get: spy });
Date.prototype.toISOString = spy;
Object.defineProperty(RegExp.prototype, "source", { get: spy });
Object.defineProperty(RegExp.prototype, "flags", { get: spy });
Number.prototype.valueOf = spy;
String.prototype.valueOf = spy;
String.prototype.slice = spy;
Object.defineProperty(Object.prototype, "constructor", { get: spy });
console.log(new Map([[1, 2]]), new Set([3]), new Date(0), /x/gi, new Number(5), new String("s"));
return calls;
