// expect: result_not_json
return { ok: 1, get broken() { throw new Error("getter refused"); } };
