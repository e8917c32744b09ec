// expect: ok
// result: "done"
codemode.sleep({ ms: 300 });
setTimeout(() => {}, 5000);
return "done";
