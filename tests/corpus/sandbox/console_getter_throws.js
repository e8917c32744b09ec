// expect: ok
// result: "logged"
// logs: ["{ok: 1, broken: [Getter]}", "Point {x: [Getter/Setter]}"]
console.log({ ok: 1, get broken() { throw new Error("getter refused"); } });
class Point { get x() { throw new Error("no"); } set x(v) {} }
const point = new Point();
Object.defineProperty(point, "x", { get() { throw new Error("no"); }, set(v) {}, enumerable: true });
console.log(point);
return "logged";
