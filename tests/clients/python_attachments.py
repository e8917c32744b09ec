"""Checks attachments with the official MCP Python SDK, over stdio: a PNG read with
`fs.readBytes` and attached comes back as an ImageContent holding the same file, and
so does the image of an upstream MCP server (server-everything's `get-tiny-image`),
passed on with `attach(block.data, block.mimeType)`.

Usage: python python_attachments.py PATH_TO_mcp_server_BINARY PATH_TO_mcp-server-everything

The script exits non-zero on the first mismatch.
"""

import asyncio
import base64
import json
import os
import struct
import sys
import tempfile
import zlib

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import ImageContent, TextContent

SERVER = os.path.abspath(sys.argv[1])
EVERYTHING = os.path.abspath(sys.argv[2])


def png(width: int, height: int) -> bytes:
    """An RGB gradient as a PNG file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\x00" + bytes(value for x in range(width) for value in (x * 255 // width, y * 255 // height, 128))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def only_image(answer) -> ImageContent:
    assert not answer.isError, answer
    assert isinstance(answer.content[0], TextContent), answer.content
    assert json.loads(answer.content[0].text) == answer.structuredContent, answer.content[0].text
    images = [block for block in answer.content if isinstance(block, ImageContent)]
    assert len(images) == 1, answer.content
    assert answer.content[-1] is images[0], "attachments follow the JSON text block"
    return images[0]


async def upstream_image() -> bytes:
    """The image server-everything answers `get-tiny-image` with, asked directly."""
    params = StdioServerParameters(command=EVERYTHING, args=["stdio"])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            answer = await session.call_tool("get-tiny-image", {})
            images = [block for block in answer.content if isinstance(block, ImageContent)]
            assert len(images) == 1, answer.content
            return base64.b64decode(images[0].data)


async def main() -> None:
    expected_upstream = await upstream_image()
    checks = 0
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "examples"))
        picture = png(64, 48)
        with open(os.path.join(root, "examples", "chart.png"), "wb") as file:
            file.write(picture)
        config = os.path.join(root, "servers.json")
        with open(config, "w") as file:
            json.dump({"mcpServers": {"everything": {"command": EVERYTHING, "args": ["stdio"]}}}, file)
        params = StdioServerParameters(command=SERVER, args=["--stdio", "--config", config], cwd=root)
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()

                code = "const png = await codemode.fs.readBytes({ path: 'examples/chart.png' });\nattach(png, 'image/png');\nreturn png.length;"
                answer = await session.call_tool("execute", {"code": code})
                image = only_image(answer)
                assert answer.structuredContent["result"] == len(picture), answer.structuredContent
                assert answer.structuredContent["attachments"] == [{"mimeType": "image/png", "bytes": len(picture)}], answer.structuredContent
                assert image.mimeType == "image/png", image.mimeType
                assert base64.b64decode(image.data) == picture, "the attached PNG is the file"
                checks += 1

                code = "const blocks = await codemode.everything.get_tiny_image({});\nconst image = blocks.find(block => block.type === 'image');\nattach(image.data, image.mimeType);\nreturn image.data instanceof Uint8Array;"
                answer = await session.call_tool("execute", {"code": code})
                image = only_image(answer)
                assert answer.structuredContent["result"] is True, answer.structuredContent
                assert base64.b64decode(image.data) == expected_upstream, "the upstream's image is passed on unchanged"
                checks += 1
    print(f"python sdk attachments over stdio: {checks} checks passed")
    print(f"python-attachments: {checks} passed, 0 failed")


if __name__ == "__main__":
    asyncio.run(main())
