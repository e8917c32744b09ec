// expect: timeout
return { get forever() { for (;;) {} } };
