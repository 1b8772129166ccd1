"""One keep-alive HTTP/1.1 connection over asyncio streams, for the load generator.

The generator shares the machine's cores with the servers it measures, so it speaks just
enough HTTP/1.1 to send prepared request bytes and read one answer (``Content-Length`` or
chunked); per request that costs a fraction of a full client's CPU time.
"""

import asyncio
import contextlib
from urllib.parse import urlsplit

#: What a request or an answer may need before we call the connection broken.
READ_LIMIT = 64 * 1024 * 1024


class ConnectionLost(Exception):
    """The server closed the connection or sent something this client cannot frame."""


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> "Connection":
        reader, writer = await asyncio.open_connection(host, port, limit=READ_LIMIT)
        return cls(reader, writer)

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        """Send one prepared request; the answer's status and body."""
        self._writer.write(request)
        try:
            head = await self._reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            return status, await self._body(head.lower())
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            raise ConnectionLost(str(exc)) from exc

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()

    async def _body(self, head: bytes) -> bytes:
        start = head.find(b"\r\ncontent-length:")
        if start >= 0:
            end = head.index(b"\r\n", start + 2)
            return await self._reader.readexactly(int(head[start + 17 : end]))
        if b"\r\ntransfer-encoding: chunked" in head:
            return await self._chunks()
        raise ConnectionLost("an answer without Content-Length or chunked encoding")

    async def _chunks(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await self._reader.readexactly(size + 2)
            if size == 0:
                return b"".join(parts)
            parts.append(chunk[:-2])


def prepare(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> bytes:
    """The bytes of one HTTP/1.1 request, built once and sent many times."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target or '/'} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")
