// expect: ok
// result: "logged"
// logs: ["Map(2) {[Circular] => [Circular], \"list\" => [[Circular], Set(1) {[Circular]}]}"]
const map = new Map();
map.set(map, map);
map.set("list", [map, new Set([map])]);
console.log(map);
return "logged";
