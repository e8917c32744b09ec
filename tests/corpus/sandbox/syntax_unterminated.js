// expect: syntax
return "unterminated
