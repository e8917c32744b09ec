// expect: ok
// result: "still here"
const original = console.log;
console.log = () => { throw new Error("hijacked log"); };
original("printed through the saved function");
console = { log() { for (;;) {} } };
return "still here";
