// expect: result_too_large
return "x".repeat(2 * 1024 * 1024);
