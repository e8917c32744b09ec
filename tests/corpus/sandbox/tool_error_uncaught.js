// expect: tool
await codemode.fail({ why: "the tool said no" });
