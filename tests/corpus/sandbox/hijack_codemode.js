// expect: ok
// result: ["function", 3]
try { codemode = null; } catch (e) {}
try { globalThis.codemode = 1; } catch (e) {}
try { delete globalThis.codemode; } catch (e) {}
try { Object.defineProperty(globalThis, "codemode", { value: 2 }); } catch (e) {}
try { codemode.add = () => 99; } catch (e) {}
try { Object.setPrototypeOf(codemode, null); } catch (e) {}
return [typeof codemode, await codemode.add({ a: 1, b: 2 })];
