// expect: stack
async function down(n) { return await down(n + 1); }
return await down(0);
