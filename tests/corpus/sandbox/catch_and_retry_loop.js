// expect: timeout
for (;;) { try { while (true) {} } catch (e) { continue; } }
