// The benchmark workloads on the sandboxes a Node user would pick; prints their
// timings as JSON.
//
//     node node_workloads.mjs PEER NODE_DIR WORKLOADS_JSON
//
// PEER is `isolated-vm`, `quickjs-emscripten` or `ai-sdk` (@ai-sdk/code-mode); the
// packages are resolved from NODE_DIR/node_modules. The JavaScript is the same as
// codemode's (bench/src/lib.rs, passed in as JSON), and every run gets a fresh
// sandbox with the limits codemode applies by default (64 MiB, 30 s or more).

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";
import fs from "node:fs";

const [peer, nodeDir, workloadsJson] = process.argv.slice(2);
const WORKLOADS = JSON.parse(workloadsJson);
const requireFrom = createRequire(path.join(nodeDir, "package.json"));
const load = (name) => import(pathToFileURL(requireFrom.resolve(name)).href);

const MEMORY_BYTES = 64 * 1024 * 1024;
const TIMEOUT_MS = 120_000;
const MEMORY_RUNS = 100;

let openGate;
const gate = new Promise((resolve) => (openGate = resolve));

/** The registry every side offers: `add`, `rows`, and `wait` (released by the gate). */
const FNS = {
  add: async ({ a, b }) => a + b,
  rows: async ({ n }) =>
    Array.from({ length: n }, (_, i) => ({ id: i, group: `g${i % 50}`, score: i % 97, active: i % 3 !== 0 })),
  wait: async () => {
    await gate;
    return true;
  },
};

/** One cold run in a fresh isolate; host functions are References the isolate awaits. */
async function isolatedVm() {
  const { default: ivm } = await load("isolated-vm");
  const call = new ivm.Reference((name, args) => FNS[name](args));
  return async (code) => {
    const isolate = new ivm.Isolate({ memoryLimit: MEMORY_BYTES / (1024 * 1024) });
    try {
      const context = await isolate.createContext();
      await context.evalClosure(
        `const call = (name) => (args) => $0.apply(undefined, [name, args], { arguments: { copy: true }, result: { promise: true, copy: true } });
         globalThis.codemode = { ${Object.keys(FNS).map((name) => `${name}: call(${JSON.stringify(name)})`).join(", ")} };`,
        [call],
      );
      const script = await isolate.compileScript(`(${code})()`);
      return await script.run(context, { promise: true, copy: true, timeout: TIMEOUT_MS });
    } finally {
      isolate.dispose();
    }
  };
}

/** One cold run in a fresh QuickJS runtime compiled to WebAssembly; values cross as JSON. */
async function quickjsEmscripten() {
  const { getQuickJS, shouldInterruptAfterDeadline } = await load("quickjs-emscripten");
  const QuickJS = await getQuickJS();
  const prelude = `const call = (name) => (args) => __call(name, JSON.stringify(args)).then(JSON.parse);
    globalThis.codemode = { ${Object.keys(FNS).map((name) => `${name}: call(${JSON.stringify(name)})`).join(", ")} };`;
  return async (code) => {
    const runtime = QuickJS.newRuntime();
    runtime.setMemoryLimit(MEMORY_BYTES);
    runtime.setMaxStackSize(1024 * 1024);
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + TIMEOUT_MS));
    const vm = runtime.newContext();
    try {
      vm.newFunction("__call", (nameHandle, argsHandle) => {
        const name = vm.getString(nameHandle);
        const args = JSON.parse(vm.getString(argsHandle));
        const deferred = vm.newPromise();
        FNS[name](args).then(
          (value) => vm.newString(JSON.stringify(value)).consume((text) => deferred.resolve(text)),
          (error) => vm.newError(String(error)).consume((reason) => deferred.reject(reason)),
        );
        deferred.settled.then(() => runtime.executePendingJobs());
        return deferred.handle;
      }).consume((fn) => vm.setProp(vm.global, "__call", fn));
      vm.unwrapResult(vm.evalCode(prelude)).dispose();
      const promise = vm.unwrapResult(vm.evalCode(`(${code})().then(JSON.stringify)`));
      const settled = vm.resolvePromise(promise);
      promise.dispose();
      runtime.executePendingJobs();
      const text = vm.unwrapResult(await settled).consume((handle) => vm.getString(handle));
      return JSON.parse(text);
    } finally {
      vm.dispose();
      runtime.dispose();
    }
  };
}

/** One run of `experimental_runCodeMode` with AI SDK tools. */
async function aiSdk() {
  const { experimental_runCodeMode: runCodeMode } = await load("@ai-sdk/code-mode");
  const { tool, jsonSchema } = await load("ai");
  const tools = Object.fromEntries(
    Object.entries(FNS).map(([name, execute]) => [
      name,
      tool({ description: name, inputSchema: jsonSchema({ type: "object" }), execute }),
    ]),
  );
  const options = {
    executionPolicy: {
      timeoutMs: TIMEOUT_MS,
      memoryLimitBytes: MEMORY_BYTES,
      maxBridgeRequests: 10_000,
      maxInFlightBridgeRequests: 64,
    },
  };
  return (code) => runCodeMode({ js: `const codemode = tools;\nreturn await (${code})();`, tools, options });
}

const PEERS = { "isolated-vm": isolatedVm, "quickjs-emscripten": quickjsEmscripten, "ai-sdk": aiSdk };

/** Runs a peer takes at once: @ai-sdk/code-mode refuses more than its 32 workers. */
const MAX_IN_FLIGHT = { "ai-sdk": 32 };

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * p)];
}

function rssKib() {
  const status = fs.readFileSync("/proc/self/status", "utf8");
  const line = status.split("\n").find((l) => l.startsWith("VmRSS:"));
  return line ? Number(line.split(/\s+/)[1]) : 0;
}

async function timed(execute, code, runs) {
  process.stderr.write(`${peer}: ${code.slice(0, 50)}\n`);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await execute(code);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main() {
  const execute = await PEERS[peer]();
  await timed(execute, WORKLOADS.trivial, 10);
  const trivial = await timed(execute, WORKLOADS.trivial, 100);
  const sequential = await timed(execute, WORKLOADS.sequential, 10);
  const fanOut = await timed(execute, WORKLOADS.fan_out, 10);
  const objects = await timed(execute, WORKLOADS.objects, 10);
  const jsonMb = await timed(execute, WORKLOADS.json_mb, 10);

  const small = WORKLOADS.sequential.replace("2000", "20");
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < 256) {
        next += 1;
        await execute(small);
      }
    }),
  );
  const throughput = performance.now() - started;

  const memoryRuns = Math.min(MEMORY_RUNS, MAX_IN_FLIGHT[peer] ?? MEMORY_RUNS);
  process.stderr.write(`${peer}: ${memoryRuns} runs in flight\n`);
  const baseline = rssKib();
  const waiting = Array.from({ length: memoryRuns }, () => execute(WORKLOADS.wait));
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const peak = rssKib();
  openGate();
  await Promise.all(waiting);

  console.log(
    JSON.stringify({
      trivial_p50_ms: percentile(trivial, 0.5),
      trivial_p90_ms: percentile(trivial, 0.9),
      sequential_2000_ms: percentile(sequential, 0.5),
      fan_out_1000_ms: percentile(fanOut, 0.5),
      objects_20k_ms: percentile(objects, 0.5),
      json_1mb_ms: percentile(jsonMb, 0.5),
      throughput_256x32_ms: throughput,
      memory_per_run_kib: Math.max(peak - baseline, 0) / memoryRuns,
      memory_runs: memoryRuns,
      memory_peak_mib: peak / 1024,
    }),
  );
}

await main();
