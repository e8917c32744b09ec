// expect: result_not_json
return new Proxy({}, { ownKeys() { throw new Error("trap refused"); } });
