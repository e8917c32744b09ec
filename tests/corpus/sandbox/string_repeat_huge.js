// expect: memory
return "abc".repeat(2 ** 28).length;
