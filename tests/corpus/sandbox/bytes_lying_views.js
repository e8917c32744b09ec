// expect: ok
// result: ["AQID", "AQID", "BAU="]
// A program that redefines the getters a view's bytes could be read with, on the
// instance and on the shared prototype, cannot change what is sent.
const data = new Uint8Array([1, 2, 3]);
Object.defineProperty(data, "byteLength", { value: 1e9 });
Object.defineProperty(data, "buffer", { value: new ArrayBuffer(1e6) });
const proto = Object.getPrototypeOf(Uint8Array.prototype);
Object.defineProperty(proto, "byteLength", { get() { return 1e9; } });
Object.defineProperty(proto, "byteOffset", { get() { return -5; } });
Object.defineProperty(DataView.prototype, "byteLength", { get() { throw new Error("trap"); } });
const view = new DataView(new Uint8Array([9, 1, 2, 3]).buffer, 1);
const tail = new Uint8Array([0, 4, 5]).subarray(1);
const echoed = await codemode.echo({ data, view, tail });
return [echoed.data, echoed.view, echoed.tail];
