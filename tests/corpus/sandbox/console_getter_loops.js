// expect: ok
// result: "logged"
// logs: ["{forever: [Getter]}"]
console.log({ get forever() { for (;;) {} } });
return "logged";
