// expect: ok
// result: ["undefined", "undefined"]
const AsyncFunction = (async () => {}).constructor;
const GeneratorFunction = (function* () {}).constructor;
return [await AsyncFunction("return typeof std")(), GeneratorFunction("yield typeof os")().next().value];
