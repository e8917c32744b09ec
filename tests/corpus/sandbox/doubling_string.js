// expect: exception
// Strings are ropes: doubling allocates little, so the length limit comes first.
let s = "x";
for (;;) s += s;
