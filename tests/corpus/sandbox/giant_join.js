// expect: timeout
// timeout-ms: 100
// Joining millions of holes runs inside one built-in call, which the engine cannot
// interrupt: the run fails as soon as the call returns, or, if it is still inside it
// two seconds past the deadline, the watchdog reports the timeout.
const a = [];
a.length = 2 ** 25;
return a.join(",").length;
