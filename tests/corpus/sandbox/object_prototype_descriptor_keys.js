// expect: ok
// result: ["ToolError", "fail", "codemode.fail failed: no"]
// Inherited `get` and `set` would turn every descriptor literal into an accessor.
Object.prototype.get = function () { return "hijacked"; };
Object.prototype.set = function () {};
Object.prototype.writable = false;
try {
  await codemode.fail({ why: "no" });
} catch (e) {
  return [e.name, e.tool, "codemode.fail failed: " + e.message.replace("failed on purpose: ", "")];
}
