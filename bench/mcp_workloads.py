"""MCP-level workloads: one MCP Python SDK client drives a server over stdio.

Usage: python mcp_workloads.py WORKLOADS_JSON COMMAND [ARGS...]
Prints the timings as JSON.
"""

import asyncio
import json
import sys
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

WORKLOADS = json.loads(sys.argv[1])
COMMAND = sys.argv[2:]


def percentile(samples, p):
    samples = sorted(samples)
    return samples[round((len(samples) - 1) * p)]


async def execute(session, code):
    # call_tool, as users call: it would also validate structuredContent against the
    # tool's outputSchema, which neither server declares.
    started = time.perf_counter()
    result = await session.call_tool("execute", {"code": code})
    elapsed = (time.perf_counter() - started) * 1000
    text = result.content[0].text if result.content else ""
    if result.isError or '"error"' in text and '"error": null' not in text and '"error":null' not in text:
        raise SystemExit(f"{COMMAND[0]} failed on {code[:40]}: {text[:300]}")
    return elapsed


async def main():
    params = StdioServerParameters(command=COMMAND[0], args=COMMAND[1:])
    async with stdio_client(params, errlog=open("/dev/null", "w")) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            for _ in range(10):
                await execute(session, WORKLOADS["trivial"])
            trivial = [await execute(session, WORKLOADS["trivial"]) for _ in range(100)]
            sequential = [await execute(session, WORKLOADS["sequential"]) for _ in range(3)]
            fan_out = [await execute(session, WORKLOADS["fan_out"]) for _ in range(3)]
            small = WORKLOADS["sequential"].replace("2000", "20")
            limit = asyncio.Semaphore(32)

            async def one():
                async with limit:
                    await execute(session, small)

            started = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(256)))
            throughput = (time.perf_counter() - started) * 1000
    print(json.dumps({
        "trivial_p50_ms": percentile(trivial, 0.5),
        "trivial_p90_ms": percentile(trivial, 0.9),
        "sequential_2000_ms": percentile(sequential, 0.5),
        "fan_out_1000_ms": percentile(fan_out, 0.5),
        "throughput_256x32_ms": throughput,
    }))


asyncio.run(main())
