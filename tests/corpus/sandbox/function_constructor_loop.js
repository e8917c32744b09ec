// expect: timeout
Function("while (true) {}")();
