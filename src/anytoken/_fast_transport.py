"""A lean synchronous httpx transport on the standard library's ``http.client`` (HTTP/1.1 keep-alive).

Opt in with ``anytoken.Client(transport=FastHTTPTransport())`` (or ``httpx.Client(transport=...)``). It
replaces httpcore's connection pool, which costs most of httpx's per-request overhead on a keep-alive
loopback call (``docs/benchmarks.md``), and keeps httpx's interface, so the core's request hooks, size cap,
error translation and the generated clients work unchanged:

* **Timeouts**: ``request.extensions["timeout"]`` per request (what the core's per-call timeouts and
  deadlines set): ``connect`` for a new connection, ``write`` while sending, ``read`` for every read.
* **Errors** are httpx's: ``ConnectError``/``ConnectTimeout`` (nothing was sent), ``WriteError``/
  ``WriteTimeout``, ``ReadError``/``ReadTimeout``, ``RemoteProtocolError`` (server closed or spoke
  malformed HTTP), ``LocalProtocolError`` (a header http.client refuses), ``UnsupportedProtocol``.
* **Streaming**: the response body is read on demand (``iter_bytes``), chunked or Content-Length; the
  connection goes back to the pool only once the body was read to the end and the server did not ask to
  close it; an abandoned or failed response closes its connection.
* **Connection reuse**: idle connections per origin (scheme, host, port), at most ``max_keepalive`` each,
  dropped after ``keepalive_expiry`` seconds or as soon as the server closed them (checked with a
  zero-timeout ``select`` before reuse, as httpcore does), so a request is never written to a dead socket
  it could have known about. A request is never retried here (a mint is not idempotent): the core decides.
* **https** with the same default verification as httpx (``httpx.create_ssl_context()``), created once per
  transport on first use; ``verify`` may also be an ``ssl.SSLContext`` or False.

Not supported (use httpx's default transport for these): proxies, HTTP/2, Unix sockets, a bound on the
number of connections in use (there is no pool timeout: each concurrent request beyond the idle ones opens
a new connection), ``Expect: 100-continue``, trailers.
"""

from __future__ import annotations

import contextlib
import http.client
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpx

__all__ = ["FastHTTPTransport"]

_READ_SIZE = 65536
_Origin = tuple[str, str, int]


class _Conn:
    __slots__ = ("conn", "idle_since")

    def __init__(self, conn: http.client.HTTPConnection) -> None:
        self.conn = conn
        self.idle_since = 0.0


def _timeouts(request: httpx.Request) -> tuple[float | None, float | None, float | None]:
    t = request.extensions.get("timeout") or {}
    return t.get("connect"), t.get("write"), t.get("read")


def _readable(sock: socket.socket | None) -> bool:
    """True when an idle socket has data or EOF waiting (the server closed it): it cannot be reused."""
    if sock is None:
        return True
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
            return bool(poller.poll(0))
        r, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(r)


class FastHTTPTransport(httpx.BaseTransport):
    """An ``httpx.BaseTransport`` on ``http.client`` for plain http/https keep-alive (see the module doc)."""

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | bool = True,
        max_keepalive: int = 100,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self._verify = verify
        self._ssl: ssl.SSLContext | None = verify if isinstance(verify, ssl.SSLContext) else None
        self.max_keepalive = max_keepalive
        self.keepalive_expiry = keepalive_expiry
        self._idle: dict[_Origin, list[_Conn]] = {}
        self._lock = threading.Lock()
        self._closed = False

    # -- pool ---------------------------------------------------------------------------------------

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context(verify=bool(self._verify))
        return self._ssl

    def _checkout(self, origin: _Origin) -> _Conn | None:
        now = time.monotonic()
        with self._lock:
            idle = self._idle.get(origin)
            while idle:
                c = idle.pop()
                if now - c.idle_since <= self.keepalive_expiry and not _readable(c.conn.sock):
                    return c
                c.conn.close()
        return None

    def _checkin(self, origin: _Origin, c: _Conn) -> None:
        c.idle_since = time.monotonic()
        with self._lock:
            if not self._closed:
                idle = self._idle.setdefault(origin, [])
                if len(idle) < self.max_keepalive:
                    idle.append(c)
                    return
        c.conn.close()

    def _connect(self, origin: _Origin, request: httpx.Request, timeout: float | None) -> _Conn:
        scheme, host, port = origin
        conn: http.client.HTTPConnection
        if scheme == "https":
            sni = request.extensions.get("sni_hostname")
            conn = _SNIHTTPSConnection(host, port, timeout=timeout, context=self._ssl_context(), sni=sni)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.connect()
        except TimeoutError as exc:
            conn.close()
            raise httpx.ConnectTimeout(f"connect timed out: {exc}", request=request) from exc
        except (OSError, ssl.SSLError) as exc:  # refused, unreachable, DNS, TLS handshake
            conn.close()
            raise httpx.ConnectError(str(exc) or type(exc).__name__, request=request) from exc
        sock = conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # not TCP
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return _Conn(conn)

    # -- httpx interface ----------------------------------------------------------------------------

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise RuntimeError("the transport is closed")
        url = request.url
        scheme = url.scheme
        if scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {scheme!r}", request=request)
        host = url.host
        origin: _Origin = (scheme, host, url.port or (443 if scheme == "https" else 80))
        connect_t, write_t, read_t = _timeouts(request)
        c = self._checkout(origin)
        if c is None:
            c = self._connect(origin, request, connect_t)
        conn = c.conn
        try:
            self._send(conn, request, write_t)
        except BaseException:
            conn.close()
            raise
        sock = conn.sock
        try:
            if sock is not None:
                sock.settimeout(read_t)
            resp = conn.getresponse()
        except BaseException as exc:
            conn.close()
            mapped = _read_error(exc, request)
            if mapped is None:
                raise
            raise mapped from exc
        headers = resp.getheaders()
        reason = resp.reason or ""
        return httpx.Response(
            resp.status,
            headers=headers,
            stream=_ResponseStream(self, origin, c, resp, request),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason.encode("latin-1", "replace")},
            request=request,
        )

    def _send(self, conn: http.client.HTTPConnection, request: httpx.Request, write_t: float | None) -> None:
        sock = conn.sock
        if sock is not None:
            sock.settimeout(write_t)
        target = request.url.raw_path.decode("ascii")
        try:
            conn.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
            chunked = False
            for name, value in request.headers.raw:
                if name.lower() == b"transfer-encoding" and value.lower() == b"chunked":
                    chunked = True
                conn.putheader(name, value)
        except (ValueError, http.client.HTTPException) as exc:
            raise httpx.LocalProtocolError(str(exc), request=request) from exc
        stream = request.stream
        # a ByteStream holds the whole body, already in memory; anything else is streamed
        body: bytes | Iterable[bytes] | None = (request.content or None) if isinstance(stream, httpx.ByteStream) else _sync_iter(stream)
        try:
            if chunked and body is not None and not isinstance(body, bytes):
                conn.endheaders(body, encode_chunked=True)
            else:
                conn.endheaders(body)
        except TimeoutError as exc:
            raise httpx.WriteTimeout(f"write timed out: {exc}", request=request) from exc
        except OSError as exc:
            raise httpx.WriteError(str(exc) or type(exc).__name__, request=request) from exc

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for c in conns:
            c.conn.close()


def _sync_iter(stream: Any) -> Iterator[bytes]:
    if not isinstance(stream, Iterable):
        raise RuntimeError("FastHTTPTransport needs a synchronous request body")
    for chunk in stream:
        if chunk:
            yield chunk


def _read_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError | None:
    if isinstance(exc, TimeoutError):
        return httpx.ReadTimeout(f"read timed out: {exc}", request=request)
    if isinstance(exc, http.client.RemoteDisconnected | http.client.IncompleteRead):
        return httpx.RemoteProtocolError(str(exc) or "server disconnected without sending a complete response", request=request)
    if isinstance(exc, http.client.HTTPException):  # BadStatusLine, LineTooLong, UnknownProtocol ...
        return httpx.RemoteProtocolError(f"{type(exc).__name__}: {str(exc)[:200]}", request=request)
    if isinstance(exc, OSError):  # reset, broken pipe ...
        return httpx.ReadError(str(exc) or type(exc).__name__, request=request)
    return None


class _ResponseStream(httpx.SyncByteStream):
    __slots__ = ("_c", "_done", "_origin", "_request", "_resp", "_transport")

    def __init__(
        self, transport: FastHTTPTransport, origin: _Origin, c: _Conn, resp: http.client.HTTPResponse, request: httpx.Request
    ) -> None:
        self._transport = transport
        self._origin = origin
        self._c: _Conn | None = c
        self._resp = resp
        self._request = request
        self._done = False

    def __iter__(self) -> Iterator[bytes]:
        resp = self._resp
        while True:
            try:
                chunk = resp.read1(_READ_SIZE)
            except BaseException as exc:
                self._discard()
                mapped = _read_error(exc, self._request)
                if mapped is None:
                    raise
                raise mapped from exc
            if not chunk:
                if resp.length:  # http.client returns b"" at EOF before Content-Length bytes came
                    self._discard()
                    raise httpx.RemoteProtocolError("server closed the connection before the end of the body", request=self._request)
                self._done = True
                return
            yield chunk

    def _discard(self) -> None:
        c, self._c = self._c, None
        if c is not None:
            c.conn.close()

    def close(self) -> None:
        c, self._c = self._c, None
        if c is None:
            return
        resp = self._resp
        resp.close()  # closes the response's file object, not the socket
        if self._done and not resp.will_close:
            self._transport._checkin(self._origin, c)
        else:
            c.conn.close()


class _SNIHTTPSConnection(http.client.HTTPSConnection):
    """HTTPSConnection honouring httpx's ``sni_hostname`` request extension."""

    def __init__(self, host: str, port: int, *, timeout: float | None, context: ssl.SSLContext, sni: str | None) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._sni = sni

    def connect(self) -> None:
        if not self._sni:
            super().connect()
            return
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self._sni)  # type: ignore[attr-defined]
