// expect: syntax
// Found by fuzzing: trips a debug assertion inside the TypeScript stripper, which must
// fail this run only.
asy,c () => { const retuzn r.a }
