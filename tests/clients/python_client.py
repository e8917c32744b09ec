"""Drives the example server with the official MCP Python SDK, over stdio and HTTP.

Usage: python python_client.py PATH_TO_mcp_server_BINARY

The SDK validates every structuredContent against the tool's outputSchema itself;
this script also checks the answers. It exits non-zero on the first mismatch.
"""

import asyncio
import json
import socket
import subprocess
import sys
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamablehttp_client

BINARY = sys.argv[1]


async def exercise(session: ClientSession, transport: str) -> int:
    await session.initialize()
    tools = await session.list_tools()
    names = [tool.name for tool in tools.tools]
    assert names == ["execute", "search"], names
    execute = tools.tools[0]
    assert "declare const codemode" in execute.description
    assert execute.outputSchema["type"] == "object"

    ok = await session.call_tool("execute", {"code": "const s = await codemode.add({ a: 40, b: 2 });\nconsole.log('s', s);\nreturn { s };"})
    assert not ok.isError, ok
    assert ok.structuredContent == {"success": True, "result": {"s": 42}, "error": None, "logs": ["s 42"]}, ok.structuredContent
    assert json.loads(ok.content[0].text) == ok.structuredContent

    failed = await session.call_tool("execute", {"code": "throw new TypeError('nope')"})
    assert failed.isError, failed
    assert failed.structuredContent["error"]["kind"] == "exception"
    assert failed.structuredContent["error"]["message"] == "TypeError: nope"

    found = await session.call_tool("search", {"query": "environment variable"})
    assert not found.isError, found
    assert found.structuredContent["results"][0]["name"] == "env.get", found.structuredContent

    bad = await session.call_tool("execute", {})
    assert bad.isError, bad

    checks = 5
    print(f"python sdk over {transport}: {checks} checks passed")
    return checks


async def over_stdio() -> int:
    params = StdioServerParameters(command=BINARY, args=["--stdio"])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            return await exercise(session, "stdio")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def over_http() -> int:
    port = free_port()
    server = subprocess.Popen([BINARY, "--http", f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        async with streamablehttp_client(f"http://127.0.0.1:{port}/mcp") as (read, write, _):
            async with ClientSession(read, write) as session:
                return await exercise(session, "streamable HTTP")
    finally:
        server.terminate()
        server.wait(timeout=10)


async def main() -> None:
    passed = await over_stdio() + await over_http()
    print(f"python-client: {passed} passed, 0 failed")


if __name__ == "__main__":
    asyncio.run(main())
