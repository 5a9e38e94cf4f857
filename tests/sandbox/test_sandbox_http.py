"""The HTTP engine and router: routing, errors, keep-alive, chunked bodies, limits, concurrency."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator

import httpx
import pytest
from sandbox_fakes import API_KEY, auth, fake_provider, raw_exchange, read_response

from anytoken.devkit.sandbox import Route, Sandbox, SandboxProvider, SandboxResponse


def test_routes_mint_and_read_back(sb: Sandbox) -> None:
    base = sb.base_url("fake")
    assert base == f"{sb.url}/fake/v1"
    with httpx.Client() as c:
        r = c.post(f"{base}/tokens", json={"subject": "alice"}, headers=auth())
        assert r.status_code == 201
        assert r.headers["content-type"].startswith("application/json")
        token_id = r.json()["data"]["id"]
        assert c.get(f"{base}/tokens/{token_id}").json()["data"]["subject"] == "alice"
        assert c.get(f"{base}/tokens/tok_seeded").status_code == 200  # seed ran
        assert c.post(f"{base}/tokens", json={}).status_code == 401
        assert c.delete(f"{base}/tokens/{token_id}").status_code == 204
        assert c.get(f"{base}/tokens/{token_id}").status_code == 404


def test_path_params_query_and_trailing_slash(sb: Sandbox) -> None:
    r = httpx.post(f"{sb.base_url('fake')}/echo/a%20b/c/?x=1&x=2&empty=", content=b"hi")
    data = r.json()
    assert data["params"] == {"a": "a b", "b": "c"}
    assert data["query"] == {"x": ["1", "2"], "empty": [""]}
    assert data["body"] == "hi"
    assert data["path"] == "/fake/v1/echo/a%20b/c/"


def test_second_provider_mounted_separately(sb: Sandbox) -> None:
    assert httpx.get(f"{sb.base_url('other')}/tokens/tok_seeded").status_code == 200
    assert sb.stats()["providers"]["other"]["requests"] == {"getToken": 1}
    assert sb.stats()["providers"]["fake"]["requests"] == {}


def test_unknown_path_is_json_404(sb: Sandbox) -> None:
    r = httpx.get(f"{sb.url}/nowhere")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"] == "not_found"
    assert httpx.get(f"{sb.base_url('fake')}/tokens/a/b/c").status_code == 404
    assert sb.stats()["unmatched"] == 2


def test_wrong_method_is_405_with_allow(sb: Sandbox) -> None:
    r = httpx.patch(f"{sb.base_url('fake')}/tokens/x")
    assert r.status_code == 405
    assert r.headers["allow"] == "DELETE, GET"
    assert r.json()["allowed"] == ["DELETE", "GET"]
    assert httpx.get(f"{sb.base_url('fake')}/tokens").status_code == 405


def test_handler_crash_is_500_and_server_survives(sb: Sandbox) -> None:
    r = httpx.get(f"{sb.base_url('fake')}/crash")
    assert r.status_code == 500
    assert "RuntimeError" in r.json()["message"]
    assert httpx.get(f"{sb.base_url('fake')}/tokens/tok_seeded").status_code == 200


def test_created_counted_once(sb: Sandbox) -> None:
    with httpx.Client(headers=auth()) as c:
        for _ in range(3):
            c.post(f"{sb.base_url('fake')}/tokens", json={})
        c.post(f"{sb.base_url('fake')}/tokens", content=b"{bad")  # 400: not counted
        c.post(f"{sb.base_url('fake')}/batch")
    stats = sb.stats()["providers"]["fake"]
    assert stats["created"] == {"createToken": 3, "batch": 3}
    assert stats["requests"] == {"createToken": 4, "batch": 1}
    assert sb.created("fake", "createToken") == 3
    sb.reset()
    assert sb.stats()["providers"]["fake"] == {"requests": {}, "created": {}}


def test_keep_alive_reuses_one_connection(sb: Sandbox) -> None:
    request = f"GET /fake/v1/tokens/tok_seeded HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {API_KEY}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", sb.port), timeout=5) as sock:
        for _ in range(5):
            sock.sendall(request)
            status, headers, body = read_response(sock)
            assert status == 200
            assert "connection" not in headers
            assert json.loads(body)["data"]["id"] == "tok_seeded"


def test_httpx_pool_keeps_connection(sb: Sandbox) -> None:
    with httpx.Client() as c:
        ports = set()
        for _ in range(5):
            r = c.get(f"{sb.base_url('fake')}/tokens/tok_seeded", extensions={})
            stream = r.extensions["network_stream"]
            ports.add(stream.get_extra_info("client_addr")[1])
        assert len(ports) == 1


def test_connection_close_is_honoured(sb: Sandbox) -> None:
    out = raw_exchange(sb.port, b"GET /fake/v1/tokens/tok_seeded HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"connection: close" in out.lower()


def test_http10_closes_by_default(sb: Sandbox) -> None:
    out = raw_exchange(sb.port, b"GET /fake/v1/tokens/tok_seeded HTTP/1.0\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 200")


def test_chunked_request_body(sb: Sandbox) -> None:
    body = b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n"
    req = b"POST /fake/v1/echo/1/2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body
    out = raw_exchange(sb.port, req)
    payload = json.loads(out.partition(b"\r\n\r\n")[2])
    assert payload["body"] == "hello, world"


def test_chunked_body_from_httpx_generator(sb: Sandbox) -> None:
    def gen() -> Iterator[bytes]:
        yield b"abc"
        yield b"def"

    r = httpx.post(f"{sb.base_url('fake')}/echo/1/2", content=gen())
    assert r.json()["body"] == "abcdef"


def test_expect_100_continue(sb: Sandbox) -> None:
    req = b"PUT /fake/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", sb.port), timeout=5) as sock:
        sock.sendall(req)
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"abc")
        status, _, body = read_response(sock)
    assert status == 200 and json.loads(body)["body"] == "abc"


@pytest.mark.parametrize(
    "garbage",
    [
        b"HELLO\r\n\r\n",
        b"GET nopath HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        b"POST /fake/v1/echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        b"POST /fake/v1/echo HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST /fake/v1/echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_garbage_is_400_and_closed(sb: Sandbox, garbage: bytes) -> None:
    out = raw_exchange(sb.port, garbage)
    assert out.startswith(b"HTTP/1.1 400 "), out
    assert b"connection: close" in out


def test_size_limits() -> None:
    with Sandbox([fake_provider()], max_body_bytes=1000) as sb:
        out = raw_exchange(sb.port, b"PUT /fake/v1/echo HTTP/1.1\r\nContent-Length: 1001\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 413 ")
        chunked = (
            b"PUT /fake/v1/echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + b"3e8\r\n" + b"a" * 1000 + b"\r\n1\r\nb\r\n0\r\n\r\n"
        )
        assert raw_exchange(sb.port, chunked).startswith(b"HTTP/1.1 413 ")
        huge_header = b"GET / HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n"
        assert raw_exchange(sb.port, huge_header).startswith(b"HTTP/1.1 431 ")
        assert httpx.put(f"{sb.base_url('fake')}/echo", content=b"a" * 1000).json()["size"] == 1000


def test_client_disconnect_mid_request_does_not_break_server(sb: Sandbox) -> None:
    with socket.create_connection(("127.0.0.1", sb.port), timeout=5) as sock:
        sock.sendall(b"PUT /fake/v1/echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc")
    assert httpx.get(f"{sb.base_url('fake')}/tokens/tok_seeded").status_code == 200


async def test_250_concurrent_connections(sb: Sandbox) -> None:
    """250 connections open at once, each minting twice over keep-alive (raw asyncio streams: httpx's own
    pool bookkeeping, not the server, dominates at this concurrency)."""
    body = b'{"subject":"x"}'
    request = (
        f"POST /fake/v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    conns = await asyncio.gather(*(asyncio.open_connection("127.0.0.1", sb.port) for _ in range(250)))

    async def mint(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> list[bytes]:
        out = []
        for _ in range(2):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
            out.append(head[:12])
        writer.close()
        return out

    results = await asyncio.wait_for(asyncio.gather(*(mint(r, w) for r, w in conns)), 20)
    assert all(r == [b"HTTP/1.1 201"] * 2 for r in results)
    assert sb.created("fake", "createToken") == 500


async def test_httpx_async_client_concurrency(sb: Sandbox) -> None:
    url = f"{sb.base_url('fake')}/tokens"
    async with httpx.AsyncClient(headers=auth(), timeout=20) as client:
        statuses = await asyncio.gather(*(client.post(url, json={"subject": f"u{i}"}) for i in range(200)))
    assert [r.status_code for r in statuses] == [201] * 200
    assert len({r.json()["data"]["id"] for r in statuses}) == 200


def test_raw_socket_concurrency(sb: Sandbox) -> None:
    socks = [socket.create_connection(("127.0.0.1", sb.port), timeout=10) for _ in range(220)]
    try:
        for s in socks:
            s.sendall(b"GET /fake/v1/tokens/tok_seeded HTTP/1.1\r\nHost: x\r\n\r\n")
        assert all(read_response(s)[0] == 200 for s in socks)
    finally:
        for s in socks:
            s.close()


def test_throughput_is_benchmark_grade(sb: Sandbox) -> None:
    import time

    req = b"GET /fake/v1/tokens/tok_seeded HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", sb.port), timeout=5) as sock:
        start = time.perf_counter()
        for _ in range(2000):
            sock.sendall(req)
            read_response(sock)
        elapsed = time.perf_counter() - start
    assert 2000 / elapsed > 1000  # thousands/s in practice; a loose floor for slow CI


def test_lifecycle_and_given_port() -> None:
    sb = Sandbox([fake_provider()])
    with pytest.raises(RuntimeError):
        _ = sb.url
    sb.start()
    port = sb.port
    sb.stop()
    sb.stop()  # idempotent
    with Sandbox([fake_provider()], port=port) as again:
        assert again.port == port
        with pytest.raises(OSError):
            Sandbox([fake_provider()], port=port).start()


def test_duplicate_or_reserved_providers_rejected() -> None:
    with pytest.raises(ValueError, match="twice"):
        Sandbox([fake_provider(), fake_provider()])
    with pytest.raises(ValueError, match="reserved"):
        Sandbox([fake_provider("x", "/_sandbox/x")])
    dup = SandboxProvider("d", "/d", (Route("GET", "/a", lambda r, s: SandboxResponse.empty(204), "a"),) * 2, {}, {})
    with pytest.raises(ValueError, match="two sandbox routes"):
        Sandbox([dup])


def test_description_helpers(sb: Sandbox) -> None:
    assert sb.credentials("fake") == {"api_key": API_KEY}
    assert sb.examples("fake") == {"login": {"subject": "alice"}}
    env = sb.env()
    assert env["FAKE_API_KEY"] == API_KEY
    assert env["FAKE_BASE_URL"] == sb.base_url("fake")
    assert env["OTHER_BASE_URL"] == f"{sb.url}/other"
    with pytest.raises(KeyError, match="Available providers: fake, other"):
        sb.base_url("nope")
    assert "fake" in repr(sb)
