"""Correctness of the opt-in ``anytoken._fast_transport.FastHTTPTransport`` against real local servers:
timeouts, error mapping to httpx exceptions, streaming, connection reuse, stale keep-alive connections."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from anytoken._fast_transport import FastHTTPTransport
from anytoken.sandbox import Fault, ProviderState, Route, Sandbox, SandboxProvider, SandboxRequest, SandboxResponse


def _echo(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    return SandboxResponse.json(
        200, {"method": request.method, "path": request.path, "body": request.body.decode(), "x": request.headers.get("x-test")}
    )


def _token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    return SandboxResponse.text(201, "tok_" + "a" * 40)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    provider = SandboxProvider(
        name="fastt",
        base_path="/f",
        routes=(Route("POST", "/echo", _echo, "echo"), Route("GET", "/echo", _echo, "echoGet"), Route("POST", "/token", _token, "token")),
        credentials={"api_key": "k"},
        examples={},
    )
    with Sandbox([provider], seed=1) as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox) -> Iterator[Sandbox]:
    sandbox.reset()
    yield sandbox


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    transport = FastHTTPTransport()
    with httpx.Client(transport=transport, timeout=5) as c:
        yield c


def test_round_trip_and_reuse(sb: Sandbox, client: httpx.Client) -> None:
    url = sb.base_url("fastt")
    r = client.post(url + "/echo", content=b"hello", headers={"x-test": "1"}, params={"q": "a b"})
    assert r.status_code == 200
    assert r.json() == {"method": "POST", "path": "/f/echo", "body": "hello", "x": "1"}
    assert r.http_version == "HTTP/1.1"
    transport = client._transport
    assert isinstance(transport, FastHTTPTransport)
    (idle,) = transport._idle.values()
    first = idle[0].conn
    r2 = client.get(url + "/echo")
    assert r2.json()["method"] == "GET"
    (idle,) = transport._idle.values()
    assert idle == [idle[0]] and idle[0].conn is first  # the same connection served both
    assert client.post(url + "/token").text.startswith("tok_")


def test_streaming_request_body_is_sent_chunked(sb: Sandbox, client: httpx.Client) -> None:
    def gen() -> Iterator[bytes]:
        yield b"ab"
        yield b"cd"

    r = client.post(sb.base_url("fastt") + "/echo", content=gen())
    assert r.json()["body"] == "abcd"


def test_read_timeout_from_the_request_extension(sb: Sandbox, client: httpx.Client) -> None:
    sb.inject("fastt", "echo", Fault.latency(1.0), times=1)
    with pytest.raises(httpx.ReadTimeout):
        client.post(sb.base_url("fastt") + "/echo", content=b"x", timeout=0.2)
    assert client.post(sb.base_url("fastt") + "/echo", content=b"y").json()["body"] == "y"  # the pool recovered


def test_connect_error_when_nothing_listens() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with httpx.Client(transport=FastHTTPTransport()) as c, pytest.raises(httpx.ConnectError):
        c.get(f"http://127.0.0.1:{port}/")


def test_reset_before_response_is_a_transport_error(sb: Sandbox, client: httpx.Client) -> None:
    sb.inject("fastt", "echo", Fault.reset(), times=1)
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        client.post(sb.base_url("fastt") + "/echo", content=b"x")


def test_truncated_body_is_a_protocol_error(sb: Sandbox, client: httpx.Client) -> None:
    sb.inject("fastt", "echo", Fault.truncated(), times=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.post(sb.base_url("fastt") + "/echo", content=b"x")
    assert client.post(sb.base_url("fastt") + "/echo", content=b"z").status_code == 200


@pytest.mark.parametrize("chunked", [False, True])
def test_large_body_streams(sb: Sandbox, client: httpx.Client, chunked: bool) -> None:
    size = 300_000
    sb.inject("fastt", "echo", Fault.huge_body(size=size, chunked=chunked), times=1)
    with client.stream("POST", sb.base_url("fastt") + "/echo", content=b"x") as r:
        chunks = list(r.iter_bytes())
    assert sum(map(len, chunks)) == size
    assert len(chunks) > 1  # read on demand, not in one piece
    assert client.post(sb.base_url("fastt") + "/echo", content=b"w").json()["body"] == "w"


def test_abandoned_stream_closes_its_connection(sb: Sandbox, client: httpx.Client) -> None:
    sb.inject("fastt", "echo", Fault.huge_body(size=200_000), times=1)
    with client.stream("POST", sb.base_url("fastt") + "/echo", content=b"x") as r:
        next(r.iter_raw())
    transport = client._transport
    assert isinstance(transport, FastHTTPTransport)
    assert sum(len(v) for v in transport._idle.values()) == 0
    assert client.post(sb.base_url("fastt") + "/echo", content=b"v").status_code == 200


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    """The server answers with keep-alive, then closes the idle connection: the next request must not fail."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port = srv.getsockname()[1]
    served: list[int] = []

    def serve() -> None:
        for _ in range(2):
            conn, _ = srv.accept()
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok")
            served.append(1)
            conn.close()  # closes the keep-alive connection behind the client's back

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    with httpx.Client(transport=FastHTTPTransport()) as c:
        assert c.get(f"http://127.0.0.1:{port}/").text == "ok"
        import time

        time.sleep(0.05)
        assert c.get(f"http://127.0.0.1:{port}/").text == "ok"
    t.join(5)
    srv.close()
    assert len(served) == 2


def test_malformed_status_line_is_a_protocol_error() -> None:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]

    def serve() -> None:
        conn, _ = srv.accept()
        conn.recv(65536)
        conn.sendall(b"NONSENSE\r\n\r\n")
        conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    with httpx.Client(transport=FastHTTPTransport()) as c, pytest.raises(httpx.RemoteProtocolError):
        c.get(f"http://127.0.0.1:{port}/")
    t.join(5)
    srv.close()


def test_bad_scheme_and_closed_transport() -> None:
    t = FastHTTPTransport()
    with pytest.raises(httpx.UnsupportedProtocol):
        t.handle_request(httpx.Request("GET", "ftp://127.0.0.1/"))
    t.close()
    with pytest.raises(RuntimeError):
        t.handle_request(httpx.Request("GET", "http://127.0.0.1/"))
