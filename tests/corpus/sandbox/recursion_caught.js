// expect: timeout
// Catching stack overflow at every level turns recursion into exponential work.
function down() { try { return down(); } catch (e) { return down(); } }
return down();
