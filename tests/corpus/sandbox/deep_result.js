// expect: result_not_json
let value = {};
for (let i = 0; i < 200000; i++) value = { value };
return value;
