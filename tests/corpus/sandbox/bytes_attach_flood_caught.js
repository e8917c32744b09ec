// expect: ok
// result: "RangeError"
// A program that catches the refusal keeps running, and what it attached stays within
// the limit.
const chunk = new Uint8Array(64 * 1024);
try {
  for (;;) attach(chunk, "image/png");
} catch (e) {
  return e.name;
}
