// expect: result_not_json
const a = { name: "a" };
a.self = a;
return a;
