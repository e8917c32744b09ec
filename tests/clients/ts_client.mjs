// Drives the example server with the official MCP TypeScript SDK, over stdio and over
// streamable HTTP. The SDK's client checks every answer against the protocol's schema
// (and structuredContent against a tool's outputSchema, when there is one); this
// script also checks what the answers say. It exits non-zero on the first mismatch.
//
// Usage: node ts_client.mjs NODE_MODULES MCP_SERVER_BINARY HTTP_URL

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, binary, url] = process.argv.slice(2);
const sdk = (path) => import(pathToFileURL(join(modules, "@modelcontextprotocol/sdk/dist/esm", path)).href);
const { Client } = await sdk("client/index.js");
const { StdioClientTransport } = await sdk("client/stdio.js");
const { StreamableHTTPClientTransport } = await sdk("client/streamableHttp.js");

const PROGRAMS = [
  ["return 40 + 2;", false, (outcome) => assert.equal(outcome.result, 42)],
  [
    "console.log('hi'); return { list: [1, 'two', null, { deep: true }], text: 'é' };",
    false,
    (outcome) => {
      assert.deepEqual(outcome.result, { list: [1, "two", null, { deep: true }], text: "é" });
      assert.deepEqual(outcome.logs, ["hi"]);
    },
  ],
  ["return await codemode.add({ a: 1, b: 2 });", false, (outcome) => assert.equal(outcome.result, 3)],
  ["throw new TypeError('nope');", true, (outcome) => assert.equal(outcome.error.kind, "exception")],
  ["return (", true, (outcome) => assert.equal(outcome.error.kind, "syntax")],
  ["await codemode.nothing();", true, (outcome) => assert.equal(outcome.error.kind, "unknown_tool")],
];

async function exercise(transport, name) {
  const client = new Client({ name: "ts-client", version: "1" });
  await client.connect(transport);
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name), ["execute", "search"]);
  for (const tool of tools) {
    assert.equal(tool.outputSchema, undefined, `${tool.name} declares no outputSchema`);
  }
  let checks = 1;
  for (const [code, failed, check] of PROGRAMS) {
    const answer = await client.callTool({ name: "execute", arguments: { code } });
    assert.equal(answer.isError === true, failed, code);
    assert.deepEqual(JSON.parse(answer.content[0].text), answer.structuredContent, code);
    check(answer.structuredContent);
    checks += 1;
  }
  const found = await client.callTool({ name: "search", arguments: { query: "environment variable" } });
  assert.equal(found.structuredContent.results[0].name, "env.get");
  checks += 1;
  await client.close();
  console.log(`typescript sdk over ${name}: ${checks} checks passed`);
}

await exercise(new StdioClientTransport({ command: binary, args: ["--stdio"], stderr: "ignore" }), "stdio");
await exercise(new StreamableHTTPClientTransport(new URL(url)), "streamable HTTP");
