#!/usr/bin/env python3
"""Runs the same workloads on py-codemode (the seed) and on codemode, in one run, and
prints both figures with their ratio.

    python3 bench/compare.py            # library and MCP level
    python3 bench/compare.py --library  # library level only

It installs py-codemode 0.1.1 (with the MCP SDK) into bench/.venv on first use and
builds the Rust side in release mode.
"""

import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.path.join(HERE, ".venv")
PYTHON = os.path.join(VENV, "bin", "python")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, text=True, **kwargs)


def ensure_venv():
    if not os.path.exists(PYTHON):
        sh(sys.executable, "-m", "venv", VENV)
    check = subprocess.run([PYTHON, "-c", "import codemode, mcp"], capture_output=True)
    if check.returncode != 0:
        sh(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "py-codemode[mcp]==0.1.1")


def build():
    sh("cargo", "build", "--quiet", "--release", "-p", "codemode-bench", "--bin", "workloads", cwd=ROOT)
    sh("cargo", "build", "--quiet", "--release", "-p", "codemode", "--example", "mcp_server", cwd=ROOT)


def run_json(args, cwd=ROOT):
    out = sh(*args, cwd=cwd, capture_output=True).stdout
    return json.loads(out.strip().splitlines()[-1])


ROWS = [
    ("trivial_p50_ms", "cold run of `async () => 1 + 1`, p50 (ms)", 40),
    ("trivial_p90_ms", "cold run of `async () => 1 + 1`, p90 (ms)", None),
    ("sequential_2000_ms", "2,000 sequential host calls (ms)", 30),
    ("fan_out_1000_ms", "1,000 host calls with Promise.all (ms)", 20),
    ("objects_20k_ms", "20k objects filter/map/reduce (ms)", None),
    ("json_1mb_ms", "JSON.parse + stringify of 1 MB (ms)", None),
    ("throughput_256x32_ms", "256 runs, 32 in flight (ms)", 10),
    ("memory_per_run_kib", "memory per in-flight run (KiB)", None),
]

SEED_MEMORY_RUNS = 100

MCP_TARGETS = {"trivial_p50_ms": 12, "sequential_2000_ms": 30, "fan_out_1000_ms": 20, "throughput_256x32_ms": 15}


def table(title, seed, ours, rows):
    lines = [f"### {title}", "", "| workload | py-codemode | codemode | seed / codemode | target |", "| --- | ---: | ---: | ---: | ---: |"]
    for key, label, target in rows:
        if key not in seed or key not in ours:
            continue
        ratio = seed[key] / ours[key] if ours[key] else float("inf")
        goal = f"≥ {target}×" if target else ""
        lines.append(f"| {label} | {seed[key]:.2f} | {ours[key]:.2f} | {ratio:.1f}× | {goal} |")
    return "\n".join(lines)


def main():
    ensure_venv()
    build()
    workloads = run_json([os.path.join(TARGET, "release", "workloads"), "--print-workloads"])
    encoded = json.dumps(workloads)
    started = time.strftime("%Y-%m-%d")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Linux {platform.release()}"

    # 1,000 V8 isolates in flight take minutes and gigabytes with py-codemode: its
    # per-run memory is measured with 100 in flight.
    seed_workloads = dict(workloads, memory_runs=SEED_MEMORY_RUNS)
    seed = run_json([PYTHON, os.path.join(HERE, "seed_workloads.py"), json.dumps(seed_workloads)])
    ours = run_json([os.path.join(TARGET, "release", "workloads")])
    print(f"Measured {started} on {machine}.\n")
    print(table("Library: py-codemode Executor.execute vs codemode Executor::execute", seed, ours, ROWS))
    print(
        f"\nMemory per in-flight run: py-codemode measured with {SEED_MEMORY_RUNS} runs in flight "
        f"(peak RSS {seed['memory_peak_mib']:.0f} MiB), codemode with 1,000 (peak RSS {ours['memory_peak_mib']:.0f} MiB)."
    )

    if "--library" in sys.argv:
        return
    seed_server = [PYTHON, os.path.join(HERE, "seed_server.py")]
    our_server = [os.path.join(TARGET, "release", "examples", "mcp_server"), "--stdio", "--timeout-ms", "120000"]
    mcp_seed = run_json([PYTHON, os.path.join(HERE, "mcp_workloads.py"), encoded, *seed_server], cwd=ROOT)
    mcp_ours = run_json([PYTHON, os.path.join(HERE, "mcp_workloads.py"), encoded, *our_server], cwd=ROOT)
    rows = [(key, label, MCP_TARGETS.get(key)) for key, label, _ in ROWS if key in mcp_seed]
    print()
    print(table("MCP over stdio: one MCP Python SDK client, seed server vs examples/mcp_server", mcp_seed, mcp_ours, rows))


if __name__ == "__main__":
    main()
