// expect: ok
// result: {"first": "changed", "data": "", "tail": ""}
// A toJSON method that detaches, or a getter that shrinks, a buffer the walk reaches
// later leaves that view empty; nothing reads freed memory.
const buffer = new ArrayBuffer(1024);
const resizable = new ArrayBuffer(1024, { maxByteLength: 2048 });
const args = {
  first: { toJSON() { buffer.transfer(); resizable.resize(0); return "changed"; } },
  data: new Uint8Array(buffer),
  tail: new Uint8Array(resizable, 512),
};
return await codemode.echo(args);
