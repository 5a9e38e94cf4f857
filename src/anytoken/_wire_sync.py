"""The synchronous wire client: HTTP/1.1 keep-alive on sockets, responses parsed by ``http.client``.

One :class:`WireClient` serves one pool of :class:`~anytoken._http.HttpPools` (one base URL and header set).
Per request it writes one pre-encoded header block and the body, and reads the answer with
``http.client.HTTPResponse`` (the standard library's parser; plain header blocks without the email package); no httpx object is built. Guarantees (tested
in ``tests/core/test_wire.py`` and by the fault matrix on both paths):

* **timeouts**: the attempt's phase timeout (``call_timeout`` or the client's) for connect, TLS handshake,
  pool wait, write and every read, each cut to what is left of ``call_deadline``; a slow drip ends at the
  deadline (``DeadlineReachedError``), not after one timeout per byte;
* **size cap**: a declared Content-Length above ``max_response_bytes`` is refused unread; a chunked or
  compressed body stops at the cap (``ResponseTooLargeError``);
* **errors** are httpx's classes with the distinction retries depend on: ``ConnectError``/``ConnectTimeout``/
  ``PoolTimeout`` (never sent), ``WriteError``/``WriteTimeout``/``ReadTimeout``/``ReadError``/
  ``RemoteProtocolError`` (may have been sent); messages never hold a header or a body;
* **keep-alive**: at most ``max_keepalive`` idle connections, dropped after ``keepalive_expiry`` or when the
  server closed them (a zero-timeout poll before reuse, as httpcore does); at most ``max_connections`` in use
  (``PoolTimeout`` after the pool phase timeout);
* **TLS**: the process's one verifying context (``_http._ssl_context``); no cookies are kept; no proxy (the
  pools send through httpx when one applies).
"""

from __future__ import annotations

import http.client
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from ._http_limits import DeadlineReachedError, ResponseTooLargeError
from ._wire import (
    _BODY_METHODS,
    SUPPORTED_KWARGS,
    WireBase,
    WireHeaders,
    WireResponse,
    check_header,
    decode_content,
    encode_body,
    left,
    phase_timeout,
    target_for,
)

__all__ = ["WireClient"]

_READ = 65536


def _usable(sock: socket.socket) -> bool:
    """An idle connection is reusable when nothing is waiting on it: data or EOF means the server closed it."""
    try:
        poller = select.poll()
        poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
        return not poller.poll(0)
    except (OSError, ValueError):
        return False


#: a header name as the email parser behind ``http.client.parse_headers`` accepts it (printable, no space or ":")
_NAME = re.compile(r"[\x21-\x39\x3b-\x7e]+")


class _Headers:
    """What ``HTTPResponse`` and this client read of ``http.client.HTTPMessage``, for plain header blocks."""

    __slots__ = ("_first", "_pairs")

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs
        first: dict[str, str] = {}
        for name, value in pairs:
            first.setdefault(name.lower(), value)
        self._first = first

    def get(self, name: str, failobj: Any = None) -> Any:
        return self._first.get(name.lower(), failobj)

    def get_all(self, name: str, failobj: Any = None) -> Any:
        key = name.lower()
        return [v for n, v in self._pairs if n.lower() == key] or failobj

    def items(self) -> list[tuple[str, str]]:
        return list(self._pairs)


def _parse_headers(fp: Any) -> Any:
    """``http.client.parse_headers``, without the email package when every line is a plain ``name: value``.

    The same limits (``http.client._read_headers``: line length, header count) and the same names and values
    as the email parser gives (value: leading spaces/tabs and the line ending removed); a folded line, a bare
    CR, a name the email parser would not take or a block cut short goes to ``parse_headers``'s own parser.
    """
    lines = http.client._read_headers(fp)  # type: ignore[attr-defined]
    pairs: list[tuple[str, str]] = []
    for raw in lines[:-1]:
        line = raw.decode("iso-8859-1")
        if line[-2:] == "\r\n":
            line = line[:-2]
        elif line[-1:] == "\n":
            line = line[:-1]
        else:
            pairs = []
            break
        name, sep, value = line.partition(":")
        if not sep or "\r" in value or _NAME.fullmatch(name) is None:
            break
        pairs.append((name, value.lstrip(" \t")))
    else:
        return _Headers(pairs)
    import email.parser

    return email.parser.Parser(_class=http.client.HTTPMessage).parsestr(b"".join(lines).decode("iso-8859-1"))


class _Response(http.client.HTTPResponse):
    """``http.client.HTTPResponse`` whose ``begin`` reads the header block with :func:`_parse_headers`
    (the rest of ``begin`` as the standard library's, which reads ``self.headers`` only through ``get``)."""

    def begin(self) -> None:
        if self.headers is not None:
            return
        while True:
            version, status, reason = self._read_status()
            if status != http.client.CONTINUE:
                break
            http.client._read_headers(self.fp)
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        self.headers = self.msg = _parse_headers(self.fp)
        tr_enc = self.headers.get("transfer-encoding")
        self.chunked = bool(tr_enc and tr_enc.lower() == "chunked")
        if self.chunked:
            self.chunk_left = None
        self.will_close = self._check_close()
        self.length = None
        length = self.headers.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:
                    self.length = None
        if status in (http.client.NO_CONTENT, http.client.NOT_MODIFIED) or 100 <= status < 200 or self._method == "HEAD":
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True


class WireClient(WireBase):
    """What a generated client needs of ``httpx.Client``: ``request(method, url, **kwargs)``."""

    def __init__(self, *, max_keepalive: int = 20, **settings: Any) -> None:
        super().__init__(**settings)
        parts = self._parts
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._https else 80)
        self._block = "".join(f"{k}: {v}\r\n" for k, v in self._static.items()).encode("utf-8")
        self._ssl: ssl.SSLContext | None = self._ssl_context
        self._max_keepalive = max_keepalive
        self._slots = threading.BoundedSemaphore(self._max_connections)
        self._idle: list[tuple[socket.socket, float]] = []
        self._lock = threading.Lock()

    # -- the surface the generated code uses --------------------------------------------------------

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        if not SUPPORTED_KWARGS.issuperset(kwargs):
            return self._fallback().request(method, url, **kwargs)
        target = target_for(self._prefix, url, kwargs.get("params"))
        encoded = encode_body(kwargs) if target is not None else None
        if target is None or encoded is None:
            return self._fallback().request(method, url, **kwargs)
        body, ctype = encoded
        method = method.upper()
        head = self._head(method, target, kwargs.get("headers"), body, ctype)
        response = self._exchange(method, head, body)
        self._remember(response)
        return response

    def close(self) -> None:
        with self._lock:
            self.closed = True
            idle, self._idle = self._idle, []
        for sock, _ in idle:
            sock.close()

    # -- request -----------------------------------------------------------------------------------

    def _head(self, method: str, target: str, headers: Mapping[str, str] | None, body: bytes, ctype: str | None) -> bytes:
        extra = ""
        if headers:
            static = self._static
            if any(k.lower() in static for k in headers):
                merged = {**static, **{k.lower(): v for k, v in headers.items()}}
                for k, v in headers.items():
                    check_header(k, v)
                return self._assemble(method, target, merged, body, ctype)
            for k, v in headers.items():
                check_header(k, v)
                extra += f"{k}: {v}\r\n"
        if ctype is not None and not (headers and any(k.lower() == "content-type" for k in headers)):
            extra += f"content-type: {ctype}\r\n"
        if body or method in _BODY_METHODS:
            extra += f"content-length: {len(body)}\r\n"
        return f"{method} {target} HTTP/1.1\r\n".encode("ascii") + self._block + extra.encode("utf-8") + b"\r\n"

    def _assemble(self, method: str, target: str, headers: Mapping[str, str], body: bytes, ctype: str | None) -> bytes:
        lines = [f"{method} {target} HTTP/1.1\r\n", *(f"{k}: {v}\r\n" for k, v in headers.items())]
        if ctype is not None and "content-type" not in headers:
            lines.append(f"content-type: {ctype}\r\n")
        if body or method in _BODY_METHODS:
            lines.append(f"content-length: {len(body)}\r\n")
        return "".join(lines).encode("utf-8") + b"\r\n"

    # -- one exchange on one connection ------------------------------------------------------------

    def _exchange(self, method: str, head: bytes, body: bytes) -> WireResponse:
        seconds, deadline = phase_timeout(self._timeout)
        if self.closed:
            raise httpx.ConnectError("the client's connection pool is closed")
        if not self._slots.acquire(timeout=left(seconds, deadline)):
            raise httpx.PoolTimeout("no free connection in the pool within the timeout")
        try:
            sock = self._checkout() or self._connect(left(seconds, deadline))
            reusable = False
            try:
                response, reusable = self._send_and_read(sock, method, head, body, seconds, deadline)
            finally:
                if reusable:
                    self._checkin(sock)
                else:
                    sock.close()
        finally:
            self._slots.release()
        return response

    def _send_and_read(
        self, sock: socket.socket, method: str, head: bytes, body: bytes, seconds: float, deadline: float | None
    ) -> tuple[WireResponse, bool]:
        try:
            sock.settimeout(left(seconds, deadline))
            sock.sendall(head + body if len(body) < 65536 else head)
            if len(body) >= 65536:
                sock.sendall(body)
        except TimeoutError:
            raise httpx.WriteTimeout("write timed out") from None
        except OSError as exc:
            raise httpx.WriteError(f"the connection failed while sending ({type(exc).__name__})") from None
        resp = _Response(sock, method=method)
        try:
            try:
                sock.settimeout(left(seconds, deadline))
                resp.begin()
                status, pairs = resp.status, resp.getheaders()
                content = self._read_body(sock, resp, seconds, deadline)
            except TimeoutError:
                raise httpx.ReadTimeout("read timed out") from None
            except http.client.HTTPException as exc:  # RemoteDisconnected, IncompleteRead, BadStatusLine ...
                raise httpx.RemoteProtocolError(f"the server's answer was cut short or malformed ({type(exc).__name__})") from None
            except OSError as exc:
                raise httpx.ReadError(f"the connection failed while reading ({type(exc).__name__})") from None
            reusable = not resp.will_close
        finally:
            resp.close()  # the file object only; the socket is closed or pooled by the caller
        headers = WireHeaders.of(pairs)
        coding = headers.get("content-encoding")
        if coding:
            content = decode_content(content, coding, self._limit)
        return WireResponse(status, headers, content), reusable

    def _read_body(self, sock: socket.socket, resp: http.client.HTTPResponse, seconds: float, deadline: float | None) -> bytes:
        limit = self._limit
        if resp.length is not None and resp.length > limit:
            raise ResponseTooLargeError(limit)
        chunks: list[bytes] = []
        seen = 0
        while resp.length != 0:
            if deadline is not None:
                if time.monotonic() > deadline:
                    raise DeadlineReachedError("deadline passed while reading the response")
                sock.settimeout(left(seconds, deadline))
            chunk = resp.read1(_READ)
            if not chunk:
                if resp.length:  # EOF before Content-Length bytes came
                    raise http.client.IncompleteRead(b"", resp.length)
                break
            seen += len(chunk)
            if seen > limit:
                raise ResponseTooLargeError(limit)
            chunks.append(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    # -- the pool ----------------------------------------------------------------------------------

    def _checkout(self) -> socket.socket | None:
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._idle:
                    return None
                sock, since = self._idle.pop()
            if now - since <= self._expiry and _usable(sock):
                return sock
            sock.close()

    def _checkin(self, sock: socket.socket) -> None:
        with self._lock:
            if not self.closed and len(self._idle) < self._max_keepalive:
                self._idle.append((sock, time.monotonic()))
                return
        sock.close()

    def _connect(self, timeout: float) -> socket.socket:
        try:
            sock = socket.create_connection((self._host, self._port), timeout=timeout)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"connecting to {self._host} timed out") from None
        except OSError as exc:  # refused, unreachable, DNS
            raise httpx.ConnectError(f"could not connect to {self._host} ({type(exc).__name__})") from None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._https:
                assert self._ssl is not None
                sock = self._ssl.wrap_socket(sock, server_hostname=self._host)
        except TimeoutError:
            sock.close()
            raise httpx.ConnectTimeout(f"the TLS handshake with {self._host} timed out") from None
        except (OSError, ssl.SSLError) as exc:  # certificate refused, handshake failed: nothing was sent
            sock.close()
            raise httpx.ConnectError(f"TLS with {self._host} failed ({type(exc).__name__}: {_ssl_reason(exc)})") from None
        return sock


def _ssl_reason(exc: BaseException) -> str:
    reason = getattr(exc, "verify_message", None) or getattr(exc, "reason", None)
    return str(reason)[:80] if reason else "handshake failed"
