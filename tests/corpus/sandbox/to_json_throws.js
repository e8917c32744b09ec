// expect: result_not_json
return { toJSON() { throw new TypeError("no JSON for you"); } };
