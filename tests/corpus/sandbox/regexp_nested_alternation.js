// expect: timeout
return /^(\w+\s?)*$/.test("word ".repeat(20) + "a".repeat(40) + "!");
