"""The aiohttp transport keeps the one distinction retries depend on: could the request have been sent?"""

from __future__ import annotations

import asyncio
import socket
import threading

import httpx
import pytest

pytest.importorskip("aiohttp")

from anytoken._aiohttp_transport import AiohttpTransport


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _send(url: str, timeout: float = 2.0) -> httpx.Response:
    transport = AiohttpTransport()
    async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
        response = await client.post(url, json={"a": 1})
        await response.aread()
        return response


def test_connection_refused_is_connect_error() -> None:
    with pytest.raises(httpx.ConnectError):
        asyncio.run(_send(f"http://127.0.0.1:{_free_port()}/x"))


def _one_shot_server(reply: bytes | None) -> tuple[int, threading.Thread]:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]

    def serve() -> None:
        conn, _ = srv.accept()
        conn.recv(65536)
        if reply is not None:
            conn.sendall(reply)
        conn.close()
        srv.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return port, thread


def test_disconnect_after_the_request_is_a_sent_failure_not_a_connect_error() -> None:
    port, thread = _one_shot_server(None)
    with pytest.raises(httpx.RemoteProtocolError):
        asyncio.run(_send(f"http://127.0.0.1:{port}/x"))
    thread.join(5)


def test_truncated_body_is_a_read_error() -> None:
    port, thread = _one_shot_server(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n{"tok')
    with pytest.raises(httpx.ReadError):
        asyncio.run(_send(f"http://127.0.0.1:{port}/x"))
    thread.join(5)


def test_answer_headers_body_and_request_are_faithful() -> None:
    body = b'{"token":"t"}'
    port, thread = _one_shot_server(
        b"HTTP/1.1 201 Created\r\nContent-Length: %d\r\nX-Request-Id: r1\r\nSet-Cookie: a=b\r\n\r\n%s" % (len(body), body)
    )
    response = asyncio.run(_send(f"http://127.0.0.1:{port}/x"))
    thread.join(5)
    assert response.status_code == 201 and response.json() == {"token": "t"}
    assert response.headers["x-request-id"] == "r1"
