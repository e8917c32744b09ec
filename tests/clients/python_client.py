"""Drives the example server with the official MCP Python SDK: over stdio, over
streamable HTTP with a bearer token, over stateless streamable HTTP, through the SDK's
HTTP client for the server's refusals (401, 403, 413, 400), cancels runs with
`notifications/cancelled` over stdio and streamable HTTP, answers approvals
(`--require-approval`) through its `elicitation_callback`, follows runs through
`progress_callback` and `logging_callback` over both, and ends every HTTP session
without the SDK logging a warning.

Usage: python python_client.py PATH_TO_mcp_server_BINARY

The tools declare no outputSchema, so the SDK leaves structuredContent unchecked;
this script checks the answers. It exits non-zero on the first mismatch.
"""

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamablehttp_client
from mcp.shared._httpx_utils import create_mcp_http_client

BINARY = os.path.abspath(sys.argv[1])
TOKEN = "python-sdk-token-3b9f1d"
MIB = 1024 * 1024


async def exercise(session: ClientSession, transport: str) -> int:
    await session.initialize()
    tools = await session.list_tools()
    names = [tool.name for tool in tools.tools]
    assert names == ["execute", "search"], names
    execute = tools.tools[0]
    assert "declare const codemode" in execute.description
    assert execute.outputSchema is None, execute.outputSchema

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


TICKING = """for (let i = 0; ; i++) {
  await codemode.fs.write({ path: `examples/tick-${i}.txt`, content: 'tick' });
  await new Promise((resolve) => setTimeout(resolve, 10));
}"""


def ticks(folder: str) -> int:
    return sum(1 for name in os.listdir(os.path.join(folder, "examples")) if name.startswith("tick-"))


async def cancel_run(session: ClientSession, folder: str, transport: str) -> int:
    """A program writing a file every 10 ms, cancelled: no file after the cancel is
    processed, no answer to the cancelled request, and the session still serves."""
    await session.initialize()
    # The SDK numbers requests itself and has no public way to name the next one.
    request_id = session._request_id
    call = asyncio.create_task(session.call_tool("execute", {"code": TICKING}))
    for _ in range(600):
        if ticks(folder) >= 5:
            break
        await asyncio.sleep(0.05)
    assert ticks(folder) >= 5, "the program writes its files"
    cancelled = types.CancelledNotification(
        params=types.CancelledNotificationParams(requestId=request_id, reason="the user pressed stop")
    )
    await session.send_notification(types.ClientNotification(cancelled))
    await asyncio.sleep(0.1)
    written = ticks(folder)
    await asyncio.sleep(1)
    assert ticks(folder) == written, f"{ticks(folder) - written} files written after the cancel"
    assert not call.done(), "the cancelled request was answered"
    call.cancel()
    ok = await session.call_tool("execute", {"code": "1 + 1"})
    assert ok.structuredContent["result"] == 2, ok
    print(f"python sdk cancels a run over {transport}: 1 check passed")
    return 1


def workspace() -> str:
    folder = tempfile.mkdtemp(prefix="codemode-python-")
    os.mkdir(os.path.join(folder, "examples"))
    return folder


async def cancellations() -> int:
    folder = workspace()
    params = StdioServerParameters(command=BINARY, args=["--stdio", "--timeout-ms", "120000"], cwd=folder)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            checks = await cancel_run(session, folder, "stdio")
    folder = workspace()
    with HttpServer("--timeout-ms", "120000", cwd=folder) as server:
        async with streamablehttp_client(server.url, headers=AUTHORIZATION) as (read, write, _):
            async with ClientSession(read, write) as session:
                checks += await cancel_run(session, folder, "streamable HTTP")
    return checks


TWO_ADDS = """const results = [];
for (const a of [1, 2]) {
  try { results.push(await codemode.add({ a, b: 10 })); }
  catch (error) { results.push(error.message); }
}
return results;"""


class User:
    """An elicitation callback: records each question and gives the current answer."""

    def __init__(self, answer: types.ElicitResult) -> None:
        self.answer = answer
        self.asked: list[str] = []

    async def __call__(self, _context, params: types.ElicitRequestParams) -> types.ElicitResult:
        self.asked.append(params.message)
        schema = params.requestedSchema
        choices = [choice["const"] for choice in schema["properties"]["decision"]["oneOf"]]
        assert choices == ["once", "run", "deny"], schema
        return self.answer


async def approve(read, write, transport: str) -> int:
    """Approving for the run asks once for two calls; declining refuses both, catchably."""
    user = User(types.ElicitResult(action="accept", content={"decision": "run"}))
    async with ClientSession(read, write, elicitation_callback=user) as session:
        await session.initialize()
        approved = await session.call_tool("execute", {"code": TWO_ADDS})
        assert approved.structuredContent["result"] == [11, 12], approved.structuredContent
        assert len(user.asked) == 1, user.asked
        question = user.asked[0]
        assert question.startswith("The program wants to call codemode.add."), question
        assert '"a": 1' in question and "for (const a of [1, 2])" in question, question
        user.answer = types.ElicitResult(action="decline")
        declined = await session.call_tool("execute", {"code": TWO_ADDS})
        refused = "codemode.add was not approved: the user declined"
        assert declined.structuredContent["result"] == [refused, refused], declined.structuredContent
    print(f"python sdk answers approvals over {transport}: 2 checks passed")
    return 2


PACED = """const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
console.log('one');
await pause();
const sum = await codemode.add({ a: 1, b: 2 });
console.warn('two', sum);
await pause();
console.error('three');
return sum;"""


async def follow(read, write, transport: str) -> int:
    """Progress carries lines and calls; log messages come at the level set."""
    logged: list[types.LoggingMessageNotificationParams] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logged.append(params)

    progressed: list[tuple[float, str | None]] = []

    async def on_progress(progress: float, _total: float | None, message: str | None) -> None:
        progressed.append((progress, message))

    async with ClientSession(read, write, logging_callback=on_log) as session:
        await session.initialize()
        result = await session.call_tool("execute", {"code": PACED}, progress_callback=on_progress)
        assert result.structuredContent["result"] == 3, result.structuredContent
        lines = [line for _, message in progressed for line in (message or "").split("\n")]
        assert lines == ["one", "calling codemode.add", "[warn] two 3", "[error] three"], progressed
        assert logged == [], "no log messages before logging/setLevel"
        await session.set_logging_level("warning")
        await session.call_tool("execute", {"code": PACED})
        deadline = time.time() + 5
        while len(logged) < 2 and time.time() < deadline:
            await asyncio.sleep(0.02)
        levels = [(params.level, params.data) for params in logged]
        assert levels == [("warning", "[warn] two 3"), ("error", "[error] three")], levels
    print(f"python sdk follows a run over {transport}: 2 checks passed")
    return 2


async def live() -> int:
    params = StdioServerParameters(command=BINARY, args=["--stdio"])
    async with stdio_client(params) as (read, write):
        checks = await follow(read, write, "stdio")
    with HttpServer() as server:
        async with streamablehttp_client(server.url, headers=AUTHORIZATION) as (read, write, _):
            checks += await follow(read, write, "streamable HTTP")
    return checks


async def approvals() -> int:
    params = StdioServerParameters(command=BINARY, args=["--stdio", "--require-approval", "add"])
    async with stdio_client(params) as (read, write):
        checks = await approve(read, write, "stdio")
    with HttpServer("--require-approval", "add") as server:
        async with streamablehttp_client(server.url, headers=AUTHORIZATION) as (read, write, _):
            checks += await approve(read, write, "streamable HTTP")
    return checks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HttpServer:
    """The example server over HTTP with a bearer token, on a free port."""

    def __init__(self, *flags: str, cwd: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        environment = dict(os.environ, CODEMODE_TOKEN=TOKEN)
        command = [BINARY, "--http", f"127.0.0.1:{self.port}", "--token-env", "CODEMODE_TOKEN", *flags]
        self.process = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=environment, cwd=cwd)

    def __enter__(self) -> "HttpServer":
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not listen")

    def __exit__(self, *_) -> None:
        self.process.terminate()
        assert self.process.wait(timeout=30) == 0, "the server drains and exits 0"


AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}"}


async def over_http(flags: tuple[str, ...], transport: str) -> int:
    with HttpServer(*flags) as server:
        async with streamablehttp_client(server.url, headers=AUTHORIZATION) as (read, write, _):
            async with ClientSession(read, write) as session:
                return await exercise(session, transport)


def http_status_errors(error: BaseException) -> list[httpx.HTTPStatusError]:
    """The HTTP status errors inside `error`, an exception group from the SDK's tasks."""
    if isinstance(error, httpx.HTTPStatusError):
        return [error]
    found = []
    for inner in getattr(error, "exceptions", []):
        found.extend(http_status_errors(inner))
    return found


async def refusals() -> int:
    """The server's refusals reach the SDK's HTTP client as statuses it can show."""
    checks = 0
    with HttpServer("--max-body-mb", "4") as server:
        json_headers = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
        initialize = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "python", "version": "1"}}}
        async with create_mcp_http_client() as http:
            missing = await http.post(server.url, json=initialize, headers=json_headers)
            assert missing.status_code == 401, missing
            assert missing.headers["www-authenticate"].startswith("Bearer"), missing.headers
            checks += 1
        async with create_mcp_http_client(headers=AUTHORIZATION) as http:
            foreign = await http.post(server.url, json=initialize, headers={**json_headers, "origin": "http://evil.example"})
            assert foreign.status_code == 403, foreign
            checks += 1
            response = await http.post(server.url, json=initialize, headers=json_headers)
            session = response.headers["mcp-session-id"]
            call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "execute", "arguments": {"code": "x" * (8 * MIB)}}}
            too_large = await http.post(server.url, json=call, headers={**json_headers, "mcp-session-id": session})
            assert too_large.status_code == 413, too_large
            assert "--max-body-mb" in too_large.json()["error"]["message"], too_large.text
            checks += 1
            malformed = await http.post(server.url, content=b"{not json", headers={**json_headers, "mcp-session-id": session})
            assert malformed.status_code == 400, malformed
            assert malformed.json()["error"]["code"] == -32700, malformed.text
            checks += 1
        # Through the SDK's session, an oversized call ends in the 413, not a reset.
        try:
            async with streamablehttp_client(server.url, headers=AUTHORIZATION) as (read, write, _):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    await asyncio.wait_for(session.call_tool("execute", {"code": "x" * (8 * MIB)}), 60)
            raise AssertionError("an 8 MiB call was accepted")
        except BaseException as error:  # noqa: BLE001 - the SDK raises an exception group
            statuses = [status.response.status_code for status in http_status_errors(error)]
            assert statuses == [413], repr(error)
            checks += 1
    print(f"python sdk refusals over streamable HTTP: {checks} checks passed")
    return checks


class Warnings(logging.Handler):
    """Keeps what the SDK logs at warning level and above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def main() -> None:
    warnings = Warnings()
    logging.getLogger("mcp").addHandler(warnings)
    passed = await over_stdio()
    passed += await over_http((), "streamable HTTP with a bearer token")
    passed += await over_http(("--stateless",), "stateless streamable HTTP with a bearer token")
    passed += await refusals()
    passed += await cancellations()
    passed += await approvals()
    passed += await live()
    ended = [message for message in warnings.messages if "Session termination" in message]
    assert ended == [], ended
    passed += 1
    print("python sdk ends its HTTP sessions without a warning: 1 check passed")
    print(f"python-client: {passed} passed, 0 failed")


if __name__ == "__main__":
    asyncio.run(main())
