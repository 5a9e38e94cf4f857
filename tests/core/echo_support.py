"""An in-code provider plugin over the pooled clients, for core tests (imported by conftest and tests)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from anytoken import CredentialField, Param, ProviderInfo, Token, TokenKind, TokenRequest, hookimpl
from anytoken.provider import error_for_response

ECHO = ProviderInfo(
    name="echo",
    kinds=(
        TokenKind(
            "plain",
            help="a reusable token",
            params=(
                Param("user", "str", required=True, help="user id"),
                Param("ttl", "int", default=60, minimum=1, help="seconds"),
                Param("mode", "str", choices=("a", "b"), help="mode"),
            ),
            credentials=("api_key",),
        ),
        TokenKind("resource", help="creates a resource", credentials=("api_key",), persistent=True, idempotent=False, reusable=False),
    ),
    credentials=(CredentialField("api_key", env=("ECHO_API_KEY",), help="key"),),
    base_urls=(("default", "https://echo.example.com/v1"),),
    base_url_env="ECHO_BASE_URL",
)


class EchoPlugin:
    """A hand-written plugin: the server answers through a MockTransport handler, or a real local server."""

    calls = 0

    @hookimpl
    def anytoken_providers(self) -> list[ProviderInfo]:
        return [ECHO]

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        if request.provider != "echo":
            return None
        EchoPlugin.calls += 1
        # the client the generated code gets: a wire client on real sockets, the httpx client under a transport
        http = request.http.generated_client({"authorization": f"Bearer {request.credential('api_key')}"})
        response = http.request("POST", f"/{request.kind}", json={k: str(v) for k, v in request.params.items()})
        return self._finish(request, response)

    @hookimpl
    def acreate_token(self, request: TokenRequest) -> Any:
        if request.provider != "echo":
            return None

        async def run() -> Token:
            http = request.http.generated_async_client({"authorization": f"Bearer {request.credential('api_key')}"})
            response = await http.request("POST", f"/{request.kind}", json={k: str(v) for k, v in request.params.items()})
            return self._finish(request, response)

        return run()

    @staticmethod
    def _finish(request: TokenRequest, response: Any) -> Token:
        if response.status_code != 200:
            raise error_for_response(request, response.status_code, dict(response.headers), response.content)
        return Token.from_value("echo", request.kind, response.json()["token"])


Handler = Callable[[httpx.Request], httpx.Response]


def ok_handler(request: httpx.Request) -> httpx.Response:
    if request.headers.get("authorization") != "Bearer good-key-123456":
        return httpx.Response(401, json={"errors": [{"message": "bad key"}]}, headers={"x-request-id": "req-1"})
    return httpx.Response(200, json={"token": "tok-" + json.loads(request.content).get("user", "x")})


class EchoServer:
    """A real HTTP/1.1 server on 127.0.0.1 answering through a :data:`Handler` (the same functions the
    MockTransport tests use), so a test can run on real sockets: the wire path or httpx's own."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.handler: Handler = ok_handler
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                request = httpx.Request(self.command, "http://echo" + self.path, headers=list(self.headers.items()), content=body)
                response = outer.handler(request)
                content = response.read()
                self.send_response(response.status_code)
                for k, v in response.headers.multi_items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)
