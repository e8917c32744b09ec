// expect: ok
// result: null
// `-->` starts a comment here, so the rest of the line cannot reach past the wrapper.
--> return 1 }); (function () { return process
