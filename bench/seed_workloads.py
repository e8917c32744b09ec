"""The benchmark workloads on py-codemode's Executor; prints their timings as JSON.

The JavaScript is the same as codemode's (bench/src/lib.rs, passed in as JSON).
"""

import asyncio
import json
import resource
import sys
import time

from codemode import Executor

WORKLOADS = json.loads(sys.argv[1])


async def add(a, b):
    return a + b


def rows(n):
    return [{"id": i, "group": f"g{i % 50}", "score": i % 97, "active": i % 3 != 0} for i in range(n)]


GATE = asyncio.Event()


async def wait():
    await GATE.wait()
    return True


FNS = {"add": add, "rows": rows, "wait": wait}


def percentile(samples, p):
    samples = sorted(samples)
    return samples[round((len(samples) - 1) * p)]


def progress(step):
    print(f"seed: {step}", file=sys.stderr, flush=True)


async def timed(executor, code, runs):
    progress(code[:50])
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        event = await executor.execute(code, fns=FNS)
        samples.append((time.perf_counter() - started) * 1000)
        if getattr(event, "error", None):
            raise SystemExit(f"seed failed on {code[:40]}: {event.error}")
    return samples


def rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def main():
    executor = Executor(timeout_s=120)
    await timed(executor, WORKLOADS["trivial"], 10)
    trivial = await timed(executor, WORKLOADS["trivial"], 100)
    sequential = await timed(executor, WORKLOADS["sequential"], 3)
    fan_out = await timed(executor, WORKLOADS["fan_out"], 3)
    objects = await timed(executor, WORKLOADS["objects"], 3)
    json_mb = await timed(executor, WORKLOADS["json_mb"], 3)

    limit = asyncio.Semaphore(32)
    small = WORKLOADS["sequential"].replace("2000", "20")

    async def one():
        async with limit:
            await executor.execute(small, fns=FNS)

    progress("256 runs, 32 in flight")
    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(256)))
    throughput = (time.perf_counter() - started) * 1000

    in_flight = int(WORKLOADS.get("memory_runs", 1000))
    progress(f"{in_flight} runs in flight")
    baseline = rss_kib()
    waiting = [asyncio.create_task(executor.execute(WORKLOADS["wait"], fns=FNS)) for _ in range(in_flight)]
    await asyncio.sleep(3)
    peak = rss_kib()
    GATE.set()
    await asyncio.gather(*waiting)

    print(json.dumps({
        "trivial_p50_ms": percentile(trivial, 0.5),
        "trivial_p90_ms": percentile(trivial, 0.9),
        "sequential_2000_ms": percentile(sequential, 0.5),
        "fan_out_1000_ms": percentile(fan_out, 0.5),
        "objects_20k_ms": percentile(objects, 0.5),
        "json_1mb_ms": percentile(json_mb, 0.5),
        "throughput_256x32_ms": throughput,
        "memory_per_run_kib": max(peak - baseline, 0) / in_flight,
        "memory_peak_mib": peak / 1024,
    }))


asyncio.run(main())
