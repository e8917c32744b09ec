// expect: memory
return new Array(1e9).fill(0).length;
