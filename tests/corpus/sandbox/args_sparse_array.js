// expect: ok
// result: {"list": [null, null, 3, null], "nan": null, "inf": null, "neg_zero": 0}
const list = [, , 3];
list.length = 4;
return await codemode.echo({ list, nan: NaN, inf: -Infinity, neg_zero: -0 });
