// expect: exception
throw { toString() { throw new Error("cannot print me"); } };
