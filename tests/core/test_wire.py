"""The wire clients (``_wire_sync.WireClient``, ``_wire_async.AsyncWireClient``) on real sockets: what they
send, keep-alive, the "could it have been sent?" error mapping, the size cap, deadlines against a slow drip,
no cookies, TLS with the shared context, proxies from the environment, and the fallback to httpx."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from anytoken._http import HttpPools, ResponseTooLargeError, call_deadline, call_timeout
from anytoken._wire import WireResponse

aiohttp = pytest.importorskip("aiohttp")

Reply = bytes | None | Callable[[socket.socket], None]


def _ok(body: bytes = b'{"token":"t"}', extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


class ScriptServer:
    """A raw-socket HTTP/1.1 server on 127.0.0.1: reads one request at a time and answers with the next scripted
    reply (bytes; None: close without answering; a callable: do anything with the socket, then close)."""

    def __init__(
        self, replies: list[Reply], *, close_after_each: bool = False, wrap: Callable[[socket.socket], socket.socket] | None = None
    ) -> None:
        self.replies = list(replies)
        self.wrap = wrap
        self.requests: list[bytes] = []
        self.connections = 0
        self.close_after_each = close_after_each
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(16)
        self.srv.settimeout(0.05)  # accept() wakes up to notice close()
        self.closed = False
        self.url = f"http://127.0.0.1:{self.srv.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.closed:
            try:
                conn, _ = self.srv.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            self.connections += 1
            threading.Thread(target=self._conn, args=(conn,), daemon=True).start()

    def _read_request(self, conn: socket.socket) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            body += conn.recv(65536)
        return head + b"\r\n\r\n" + body

    def _conn(self, conn: socket.socket) -> None:
        if self.wrap is not None:
            try:
                conn = self.wrap(conn)
            except (ssl.SSLError, OSError):
                conn.close()
                return
        with conn:
            while self.replies:
                request = self._read_request(conn)
                if request is None:
                    return
                self.requests.append(request)
                reply = self.replies.pop(0)
                if reply is None:
                    return
                if callable(reply):
                    reply(conn)
                    return
                conn.sendall(reply)
                if self.close_after_each:
                    return

    def close(self) -> None:
        self.closed = True
        self.replies.clear()
        self.thread.join(5)
        self.srv.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., ScriptServer]]:
    made: list[ScriptServer] = []

    def make(replies: list[Reply], **kw: Any) -> ScriptServer:
        made.append(ScriptServer(replies, **kw))
        return made[-1]

    yield make
    for s in made:
        s.close()


def _pools(**kw: Any) -> HttpPools:
    kw.setdefault("timeout", 2.0)
    kw.setdefault("max_response_bytes", 1 << 20)
    return HttpPools(**kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


MODES = ["sync", "async"]


def _call(mode: str, pools: HttpPools, base_url: str, *args: Any, headers: dict[str, str] | None = None, **kw: Any) -> Any:
    """One generated-client-style request on the wire client of ``mode``."""
    if mode == "sync":
        client = pools.generated_sync_client(base_url, headers or {})
        try:
            return client.request(*args, **kw)
        finally:
            pools.close()

    async def run() -> Any:
        client = pools.generated_async_client(base_url, headers or {})
        try:
            return await client.request(*args, **kw)
        finally:
            await pools.aclose()

    return asyncio.run(run())


# -- what is sent -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_request_bytes_match_httpx_and_the_response_reads_like_httpx(mode: str, serve: Callable[..., ScriptServer]) -> None:
    reply = _ok(b'{"token":"t\\u00e9"}', b"X-Request-Id: r1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n")
    server = serve([reply, reply])
    kwargs: dict[str, Any] = {"json": {"b": [1, True, None], "é": "ü"}, "params": {"q": "a b", "flag": True, "n": [1, 2]}}
    response = _call(mode, _pools(), server.url + "/v2", "post", "/things/x%2Fy", headers={"Idempotency-Key": "k1"}, **kwargs)
    with httpx.Client(base_url=server.url + "/v2") as c:
        reference = c.request("post", "/things/x%2Fy", headers={"Idempotency-Key": "k1"}, **kwargs)
    wire, ref = server.requests
    wire_head, _, wire_body = wire.partition(b"\r\n\r\n")
    ref_head, _, ref_body = ref.partition(b"\r\n\r\n")
    assert wire_body == ref_body  # byte-for-byte the body httpx sends
    assert wire_head.split(b"\r\n")[0] == ref_head.split(b"\r\n")[0]  # method, path and query
    wire_h = {ln.split(b":")[0].lower() for ln in wire_head.split(b"\r\n")[1:]}
    assert {b"host", b"content-type", b"content-length", b"idempotency-key", b"user-agent"} <= wire_h
    assert isinstance(response, WireResponse)
    assert response.status_code == reference.status_code == 201
    assert response.json() == reference.json() and response.text == reference.text and response.content == reference.content
    assert response.headers["X-REQUEST-ID"] == reference.headers["x-request-id"] == "r1"
    assert response.headers["set-cookie"] == reference.headers["set-cookie"]
    assert dict(response.headers) == dict(reference.headers)


@pytest.mark.parametrize("mode", MODES)
def test_header_injection_is_refused_before_anything_is_sent(mode: str, serve: Callable[..., ScriptServer]) -> None:
    server = serve([_ok()])
    with pytest.raises(httpx.LocalProtocolError):
        _call(mode, _pools(), server.url, "post", "/x", headers={"X-A": "v\r\nX-Injected: 1"})
    assert server.requests == []


@pytest.mark.parametrize("mode", MODES)
def test_keep_alive_reuses_one_connection_and_sends_no_cookies(mode: str, serve: Callable[..., ScriptServer]) -> None:
    server = serve([_ok(extra=b"Set-Cookie: session=abc; Path=/\r\n"), _ok(), _ok()])
    pools = _pools()

    async def three_async() -> None:
        client = pools.generated_async_client(server.url, {"authorization": "Bearer k"})
        for _ in range(3):
            assert (await client.request("post", "/x")).status_code == 201
        await pools.aclose()

    if mode == "sync":
        client = pools.generated_sync_client(server.url, {"authorization": "Bearer k"})
        for _ in range(3):
            assert client.request("post", "/x").status_code == 201
        pools.close()
    else:
        asyncio.run(three_async())
    assert server.connections == 1
    assert all(b"cookie:" not in r.lower().replace(b"set-cookie", b"") for r in server.requests)


def test_an_idle_connection_the_server_closed_is_not_reused(serve: Callable[..., ScriptServer]) -> None:
    server = serve([_ok(), _ok()], close_after_each=True)  # no "Connection: close": the socket just ends
    pools = _pools()
    client = pools.generated_sync_client(server.url, {})
    assert client.request("post", "/x").status_code == 201
    time.sleep(0.05)
    assert client.request("post", "/x").status_code == 201  # not a RemoteProtocolError on the dead socket
    assert server.connections == 2
    pools.close()


# -- could it have been sent? -----------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_connection_refused_is_a_connect_error(mode: str) -> None:
    with pytest.raises(httpx.ConnectError):
        _call(mode, _pools(), f"http://127.0.0.1:{_free_port()}", "post", "/x")


@pytest.mark.parametrize("mode", MODES)
def test_disconnect_after_the_request_is_a_sent_failure(mode: str, serve: Callable[..., ScriptServer]) -> None:
    server = serve([None])
    with pytest.raises(httpx.TransportError) as info:
        _call(mode, _pools(), server.url, "post", "/x")
    assert not isinstance(info.value, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    assert server.requests  # it was sent


@pytest.mark.parametrize("mode", MODES)
def test_truncated_body_is_a_sent_failure(mode: str, serve: Callable[..., ScriptServer]) -> None:
    server = serve([lambda c: c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"tok')])
    with pytest.raises(httpx.TransportError) as info:
        _call(mode, _pools(), server.url, "post", "/x")
    assert not isinstance(info.value, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


@pytest.mark.parametrize("mode", MODES)
def test_read_timeout_is_the_phase_timeout(mode: str, serve: Callable[..., ScriptServer]) -> None:
    server = serve([lambda c: time.sleep(1.0)])
    token = call_timeout.set(0.2)
    started = time.monotonic()
    try:
        with pytest.raises(httpx.ReadTimeout):
            _call(mode, _pools(), server.url, "post", "/x")
    finally:
        call_timeout.reset(token)
    assert time.monotonic() - started < 0.9


def test_pool_bound_waits_then_pool_timeout(serve: Callable[..., ScriptServer]) -> None:
    server = serve([lambda c: time.sleep(0.6), _ok()])
    pools = _pools(max_connections=1)
    client = pools.generated_sync_client(server.url, {})
    errors: list[BaseException] = []

    def first() -> None:
        try:
            client.request("post", "/slow")
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    time.sleep(0.1)
    token = call_timeout.set(0.2)
    try:
        with pytest.raises(httpx.PoolTimeout):  # never sent: the retry rules may try it again
            client.request("post", "/x")
    finally:
        call_timeout.reset(token)
    thread.join(5)
    pools.close()


# -- size cap, drips, compression -------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_declared_length_over_the_cap_is_refused_unread(mode: str, serve: Callable[..., ScriptServer]) -> None:
    def huge(c: socket.socket) -> None:
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n" + b"x" * 1000)
        time.sleep(0.5)  # the rest never comes: only a refusal from the declared length ends the call in time

    server = serve([huge])
    started = time.monotonic()
    with pytest.raises(ResponseTooLargeError):
        _call(mode, _pools(max_response_bytes=4096), server.url, "post", "/x")
    assert time.monotonic() - started < 0.45


@pytest.mark.parametrize("mode", MODES)
def test_chunked_body_stops_at_the_cap(mode: str, serve: Callable[..., ScriptServer]) -> None:
    def endless(c: socket.socket) -> None:
        c.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            for _ in range(200):
                c.sendall(b"400\r\n" + b"x" * 1024 + b"\r\n")
        except OSError:
            pass

    server = serve([endless])
    with pytest.raises(ResponseTooLargeError):
        _call(mode, _pools(max_response_bytes=8192), server.url, "post", "/x")


@pytest.mark.parametrize("mode", MODES)
def test_gzip_is_decoded_and_a_bomb_stops_at_the_cap(mode: str, serve: Callable[..., ScriptServer]) -> None:
    small = gzip.compress(json.dumps({"token": "t"}).encode())
    bomb = gzip.compress(b"0" * 2_000_000)
    server = serve([_ok(small, b"Content-Encoding: gzip\r\n"), _ok(bomb, b"Content-Encoding: gzip\r\n")])
    assert _call(mode, _pools(), server.url, "post", "/x").json() == {"token": "t"}
    with pytest.raises(ResponseTooLargeError):
        _call(mode, _pools(max_response_bytes=100_000), server.url, "post", "/x")


def _drip(c: socket.socket) -> None:
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
    try:
        for _ in range(100):
            c.sendall(b"x")
            time.sleep(0.1)
    except OSError:
        pass


def test_a_slow_drip_ends_at_the_deadline_sync(serve: Callable[..., ScriptServer]) -> None:
    server = serve([_drip])
    t_token, d_token = call_timeout.set(0.5), call_deadline.set(time.monotonic() + 0.6)
    started = time.monotonic()
    try:
        with pytest.raises(Exception) as info:  # each byte comes within the read timeout: only the deadline ends it
            _call("sync", _pools(), server.url, "post", "/x")
    finally:
        call_timeout.reset(t_token)
        call_deadline.reset(d_token)
    assert type(info.value).__name__ in ("DeadlineReachedError", "ReadTimeout")
    assert time.monotonic() - started < 1.0


def test_a_slow_drip_ends_at_the_deadline_async(serve: Callable[..., ScriptServer]) -> None:
    server = serve([_drip])

    async def run() -> None:
        call_timeout.set(0.5)
        call_deadline.set(time.monotonic() + 0.6)
        pools = _pools()
        try:
            await pools.generated_async_client(server.url, {}).request("post", "/x")
        finally:
            await pools.aclose()

    started = time.monotonic()
    with pytest.raises((httpx.ReadTimeout, TimeoutError)):  # aiohttp's total timeout, cut to the deadline
        asyncio.run(run())
    assert time.monotonic() - started < 1.0


# -- which client, proxies, TLS ---------------------------------------------------------------------


def test_the_httpx_path_on_request_or_under_a_callers_transport() -> None:
    assert type(_pools().generated_sync_client("http://127.0.0.1:1", {})).__name__ == "WireClient"
    assert isinstance(_pools(wire=False).generated_sync_client("http://127.0.0.1:1", {}), httpx.Client)
    assert isinstance(
        _pools(transport=httpx.MockTransport(lambda r: httpx.Response(200))).generated_sync_client("http://x", {}), httpx.Client
    )

    async def run() -> tuple[Any, Any]:
        a = _pools().generated_async_client("http://127.0.0.1:1", {})
        b = _pools(async_backend="httpx").generated_async_client("http://127.0.0.1:1", {})
        return a, b

    a, b = asyncio.run(run())
    assert type(a).__name__ == "AsyncWireClient" and isinstance(b, httpx.AsyncClient)


@pytest.mark.parametrize("mode", MODES)
def test_unsupported_arguments_go_to_httpx(mode: str, serve: Callable[..., ScriptServer]) -> None:
    server = serve([_ok()])
    response = _call(mode, _pools(), server.url, "post", "/x", files={"f": ("a.txt", b"abc", "text/plain")})
    assert isinstance(response, httpx.Response) and response.status_code == 201
    assert b"multipart/form-data" in server.requests[0]


@pytest.mark.parametrize("mode", MODES)
def test_an_environment_proxy_is_honoured_and_no_proxy_bypasses_it(
    mode: str, serve: Callable[..., ScriptServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = serve([_ok()])
    target = f"http://127.0.0.1:{_free_port()}"  # nothing listens there: only the proxy can answer
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    response = _call(mode, _pools(), target, "post", "/x")
    assert response.status_code == 201
    assert proxy.requests[0].startswith(f"POST {target}/x HTTP/1.1".encode())  # absolute-form: through the proxy
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with pytest.raises(httpx.ConnectError):  # direct, on the wire path
        _call(mode, _pools(), target, "post", "/x")
    assert len(proxy.requests) == 1


def _tls_server(tmp_path: Any) -> tuple[str, ssl.SSLContext, ScriptServer]:
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "c.pem").write_bytes(cert_pem)
    (tmp_path / "k.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp_path / "c.pem", tmp_path / "k.pem")
    trusting = ssl.create_default_context(cadata=cert_pem.decode())
    server = ScriptServer([_ok(), _ok(), _ok()], wrap=lambda conn: server_ctx.wrap_socket(conn, server_side=True))
    return server.url.replace("http://", "https://"), trusting, server


@pytest.mark.parametrize("mode", MODES)
def test_tls_is_verified_with_the_one_shared_context(mode: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("cryptography")
    from anytoken import _http

    url, trusting, server = _tls_server(tmp_path)
    try:
        with pytest.raises(httpx.ConnectError):  # self-signed: refused by the default verification, nothing sent
            _call(mode, _pools(), url, "post", "/x")
        assert server.requests == []
        monkeypatch.setattr(_http, "_verify_context", trusting)
        assert _call(mode, _pools(), url, "post", "/x").status_code == 201
        assert len(server.requests) == 1
        pools = _pools()
        a = pools.generated_sync_client(url, {"a": "1"})
        b = pools.generated_sync_client(url + "/other", {"b": "2"})
        assert a._ssl is b._ssl is trusting  # one context for every pool of the process
        pools.close()
    finally:
        server.close()


def test_closed_wire_client_refuses_to_send(serve: Callable[..., ScriptServer]) -> None:
    server = serve([_ok()])
    pools = _pools()
    client = pools.generated_sync_client(server.url, {})
    client.close()
    with pytest.raises(httpx.ConnectError):
        client.request("post", "/x")
    assert server.requests == []
