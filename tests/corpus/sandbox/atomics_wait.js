// expect: exception
// A blocking wait would stall the run's thread beyond the reach of the timeout.
const cell = new Int32Array(new SharedArrayBuffer(4));
return Atomics.wait(cell, 0, 0);
