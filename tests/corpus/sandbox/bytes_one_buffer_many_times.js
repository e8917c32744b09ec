// expect: ok
// result: "TypeError"
// One 4 MiB buffer listed 100 times is 400 MiB of arguments: past the run's memory
// limit, so the call is refused before anything is copied.
const data = new Uint8Array(4 * 1024 * 1024);
try {
  await codemode.echo({ list: Array(100).fill(data) });
  return "sent";
} catch (e) {
  return e.message.includes("memory limit") ? e.name : e.message;
}
