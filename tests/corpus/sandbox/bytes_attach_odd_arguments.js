// expect: ok
// result: ["TypeError", "TypeError", "TypeError", "TypeError", "TypeError"]
// Proxies, look-alikes and odd MIME types are refused with a TypeError.
const names = [];
const fake = { byteLength: 3, buffer: new ArrayBuffer(3), constructor: Uint8Array };
Object.setPrototypeOf(fake, Uint8Array.prototype);
for (const [data, type] of [
  [new Proxy(new Uint8Array(3), {}), "image/png"],
  [fake, "image/png"],
  [new Uint8Array(3), { toString() { return "image/png"; } }],
  [new Uint8Array(3), "x".repeat(10000)],
  [new Uint8Array(3), "image/png\u0000"],
]) {
  try { attach(data, type); names.push("attached"); } catch (e) { names.push(e.name); }
}
return names;
