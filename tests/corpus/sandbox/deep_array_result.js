// expect: result_not_json
// Deeper than the host reads JSON, though not deep enough to overflow the stack.
let value = 0;
for (let i = 0; i < 200; i++) value = [value];
return value;
