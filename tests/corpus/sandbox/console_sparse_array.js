// expect: ok
// result: "logged"
// logs: ["[<10000 empty items>, ... 4294957295 more items]"]
const sparse = [];
sparse[4294967294] = "last";
console.log(sparse);
return "logged";
