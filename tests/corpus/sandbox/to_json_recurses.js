// expect: result_not_json
const node = { toJSON() { return { child: this }; } };
return node;
