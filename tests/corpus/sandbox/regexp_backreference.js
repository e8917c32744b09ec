// expect: timeout
return /^(a|a?)+$/.test("a".repeat(60) + "b");
