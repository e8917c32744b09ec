// expect: ok
// result: [0, 1, "thrown", 2, "a ${ E.B } \n  b"]
// An enum makes the program go through the transform, which must not add a line
// break where one changes the meaning.
enum E { A, B }
function value() {
  return (

    E.A
  );
}
function thrower() {
  throw (
    new Error("thrown")
  );
}
let i = 1
let j = i
++j
let caught;
try { thrower(); } catch (e) { caught = e.message; }
const text = `a \${ E.B } \n  b`;
return [value(), E.B, caught, j, text];
