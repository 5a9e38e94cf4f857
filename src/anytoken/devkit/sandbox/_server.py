"""A small, fast HTTP/1.1 server on ``asyncio.start_server``.

Keep-alive, ``Content-Length`` and chunked request bodies, ``Expect: 100-continue``, ``Connection: close``
and HTTP/1.0; 400 on garbage, 413/431 over the size limits. No pipelining guarantees beyond sequential
reading. The application is one coroutine ``app(request) -> reply``; a reply is anything with ``status``,
``headers`` and ``body`` (a :class:`~anytoken.devkit.sandbox.model.SandboxResponse`), or a :class:`StreamReply`
that writes on the connection itself (used by fault injection).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, Protocol

__all__ = [
    "HTTPServer",
    "RawRequest",
    "StreamReply",
    "encode_head",
    "reset_connection",
]

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 10 * 1024 * 1024

_REASONS = {s.value: s.phrase for s in HTTPStatus}
_STATUS_LINES: dict[int, bytes] = {}


def _status_line(status: int) -> bytes:
    line = _STATUS_LINES.get(status)
    if line is None:
        line = f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}\r\n".encode("latin-1")
        _STATUS_LINES[status] = line
    return line


class _Reply(Protocol):
    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def body(self) -> bytes: ...


class RawRequest:
    __slots__ = ("body", "headers", "keep_alive", "method", "target", "version")

    def __init__(self, method: str, target: str, version: str, headers: dict[str, str], body: bytes, keep_alive: bool) -> None:
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.keep_alive = keep_alive


class StreamReply:
    """A reply that writes itself: ``run(writer, keep_alive) -> keep the connection open?``."""

    __slots__ = ("run", "status")

    def __init__(self, run: Callable[[asyncio.StreamWriter, bool], Awaitable[bool]], status: int = 0) -> None:
        self.run = run
        self.status = status


App = Callable[[RawRequest], Awaitable["_Reply | StreamReply"]]


def encode_head(status: int, headers: tuple[tuple[str, str], ...] | list[tuple[str, str]], length: int | None, keep_alive: bool) -> bytes:
    """Status line and headers; ``length`` None means ``Transfer-Encoding: chunked``."""
    parts = [_status_line(status)]
    for name, value in headers:
        parts.append(f"{name}: {value}\r\n".encode("latin-1", "replace"))
    if length is None:
        parts.append(b"transfer-encoding: chunked\r\n")
    else:
        parts.append(b"content-length: %d\r\n" % length)
    if not keep_alive:
        parts.append(b"connection: close\r\n")
    parts.append(b"\r\n")
    return b"".join(parts)


def reset_connection(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0) instead of a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error_bytes(status: int, message: str) -> bytes:
    body = json.dumps({"error": status, "message": message}).encode()
    return encode_head(status, (("content-type", "application/json"),), len(body), False) + body


class HTTPServer:
    def __init__(
        self,
        app: App,
        *,
        max_header_bytes: int = MAX_HEADER_BYTES,
        max_body_bytes: int = MAX_BODY_BYTES,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.app = app
        self.max_header_bytes = max_header_bytes
        self.max_body_bytes = max_body_bytes
        self.on_error = on_error
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._handle, host, port, limit=self.max_header_bytes, backlog=1024, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._writers.add(writer)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await self._serve_connection(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        except Exception as exc:  # pragma: no cover - defensive
            if self.on_error is not None:
                self.on_error(exc)
        finally:
            self._writers.discard(writer)
            if task is not None:
                self._tasks.discard(task)
            if not writer.transport.is_closing():
                writer.close()

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return
            except asyncio.LimitOverrunError:
                writer.write(_error_bytes(431, "request headers too large"))
                return
            except ValueError:
                writer.write(_error_bytes(431, "request headers too large"))
                return
            try:
                request = await self._read_request(head, reader, writer)
            except _BadRequest as exc:
                writer.write(_error_bytes(exc.status, exc.message))
                await writer.drain()
                return
            reply = await self.app(request)
            if isinstance(reply, StreamReply):
                keep = await reply.run(writer, request.keep_alive)
                if not keep:
                    return
                continue
            body = reply.body
            writer.write(encode_head(reply.status, reply.headers, len(body), request.keep_alive) + body)
            if writer.transport.get_write_buffer_size() > 65536:
                await writer.drain()
            if not request.keep_alive:
                await writer.drain()
                return

    async def _read_request(self, head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> RawRequest:
        text = head.lstrip(b"\r\n").decode("latin-1")
        lines = text.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[0].isalpha() or not parts[1].startswith("/"):
            raise _BadRequest(400, "malformed request line")
        method, target, version = parts
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            raise _BadRequest(505 if version.startswith("HTTP/") else 400, "unsupported HTTP version")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip() or " " in name:
                raise _BadRequest(400, "malformed header line")
            key = name.lower()
            value = value.strip()
            if key in headers:
                if key == "content-length" and headers[key] != value:
                    raise _BadRequest(400, "conflicting content-length headers")
                headers[key] = headers[key] + ", " + value
            else:
                headers[key] = value
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
        te = headers.get("transfer-encoding")
        cl = headers.get("content-length")
        if te is not None and cl is not None:
            raise _BadRequest(400, "both transfer-encoding and content-length")
        if headers.get("expect", "").lower() == "100-continue" and (te is not None or (cl not in (None, "0"))):
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = b""
        if te is not None:
            if te.lower() != "chunked":
                raise _BadRequest(501, "unsupported transfer-encoding")
            body = await self._read_chunked(reader)
        elif cl is not None:
            if not cl.isdigit():
                raise _BadRequest(400, "invalid content-length")
            length = int(cl)
            if length > self.max_body_bytes:
                raise _BadRequest(413, "request body too large")
            if length:
                body = await reader.readexactly(length)
        return RawRequest(method, target, version, headers, body, keep_alive)

    async def _read_chunked(self, reader: asyncio.StreamReader) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                line = await reader.readuntil(b"\r\n")
            except (asyncio.LimitOverrunError, ValueError):
                raise _BadRequest(400, "malformed chunk size line") from None
            size_text = line[:-2].split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _BadRequest(400, "malformed chunk size") from None
            if size < 0:
                raise _BadRequest(400, "malformed chunk size")
            if size == 0:
                while True:  # trailers
                    trailer = await reader.readuntil(b"\r\n")
                    if trailer == b"\r\n":
                        return b"".join(chunks)
            total += size
            if total > self.max_body_bytes:
                raise _BadRequest(413, "request body too large")
            chunks.append(await reader.readexactly(size))
            if await reader.readexactly(2) != b"\r\n":
                raise _BadRequest(400, "malformed chunk terminator")
