// expect: ok
// result: {"🌍": 2, "ñ": "日本語"}
const ñ = "日本語";
const globe = "🌍";
return { [globe]: globe.length, ñ };
