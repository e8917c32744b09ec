"""What a client's validation of `structuredContent` costs: one MCP Python SDK client
runs a trivial `execute` through `call_tool` (which validates the answer against the
tool's `outputSchema`) and through `send_request` (which does not), on one connection.

Usage: python validation.py COMMAND [ARGS...]
Prints the p50 and p90 of each, in milliseconds, and their ratio.
"""

import asyncio
import json
import sys
import time

from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

CODE = "async () => 1 + 1"
ROUNDS = 300


def percentile(samples, p):
    samples = sorted(samples)
    return samples[round((len(samples) - 1) * p)]


async def through_call_tool(session):
    started = time.perf_counter()
    result = await session.call_tool("execute", {"code": CODE})
    elapsed = (time.perf_counter() - started) * 1000
    assert result.structuredContent["result"] == 2, result
    return elapsed


async def through_send_request(session):
    request = types.ClientRequest(
        types.CallToolRequest(params=types.CallToolRequestParams(name="execute", arguments={"code": CODE}))
    )
    started = time.perf_counter()
    result = await session.send_request(request, types.CallToolResult)
    elapsed = (time.perf_counter() - started) * 1000
    assert result.structuredContent["result"] == 2, result
    return elapsed


async def main():
    params = StdioServerParameters(command=sys.argv[1], args=sys.argv[2:])
    async with stdio_client(params, errlog=open("/dev/null", "w")) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await session.list_tools()
            for _ in range(20):
                await through_call_tool(session)
                await through_send_request(session)
            call_tool, send_request = [], []
            for _ in range(ROUNDS):
                call_tool.append(await through_call_tool(session))
                send_request.append(await through_send_request(session))
    report = {
        "call_tool_p50_ms": round(percentile(call_tool, 0.5), 3),
        "call_tool_p90_ms": round(percentile(call_tool, 0.9), 3),
        "send_request_p50_ms": round(percentile(send_request, 0.5), 3),
        "send_request_p90_ms": round(percentile(send_request, 0.9), 3),
    }
    report["p50_ratio"] = round(report["call_tool_p50_ms"] / report["send_request_p50_ms"], 2)
    print(json.dumps(report))


asyncio.run(main())
