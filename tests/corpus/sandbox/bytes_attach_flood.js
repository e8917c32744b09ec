// expect: result_too_large
// Attaching without end stops at the result limit.
const chunk = new Uint8Array(64 * 1024);
for (;;) attach(chunk, "application/octet-stream");
