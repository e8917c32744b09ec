// expect: timeout
// Closing the wrapper function early only moves code to the top level of the same sandbox.
}); for (;;) {} (async () => {
