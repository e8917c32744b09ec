// expect: output_limit
for (let i = 0; i < 1e6; i++) { try { console.error("line " + i); } catch (e) {} }
return "finished";
