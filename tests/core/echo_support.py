"""An in-code provider plugin over raw httpx, for core tests (imported by conftest and tests)."""

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
    """A hand-written plugin over raw httpx: the server answers through a MockTransport handler."""

    calls = 0

    @hookimpl
    def anytoken_providers(self) -> list[ProviderInfo]:
        return [ECHO]

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        if request.provider != "echo":
            return None
        EchoPlugin.calls += 1
        http = request.http.sync_client({"authorization": f"Bearer {request.credential('api_key')}"})
        response = http.post(f"/{request.kind}", json={k: str(v) for k, v in request.params.items()})
        return self._finish(request, response)

    @hookimpl
    def acreate_token(self, request: TokenRequest) -> Any:
        if request.provider != "echo":
            return None

        async def run() -> Token:
            http = request.http.async_client({"authorization": f"Bearer {request.credential('api_key')}"})
            response = await http.post(f"/{request.kind}", json={k: str(v) for k, v in request.params.items()})
            await response.aread()
            return self._finish(request, response)

        return run()

    @staticmethod
    def _finish(request: TokenRequest, response: httpx.Response) -> Token:
        if response.status_code != 200:
            raise error_for_response(request, response.status_code, dict(response.headers), response.content)
        return Token.from_value("echo", request.kind, response.json()["token"])


Handler = Callable[[httpx.Request], httpx.Response]


def ok_handler(request: httpx.Request) -> httpx.Response:
    if request.headers.get("authorization") != "Bearer good-key-123456":
        return httpx.Response(401, json={"errors": [{"message": "bad key"}]}, headers={"x-request-id": "req-1"})
    return httpx.Response(200, json={"token": "tok-" + json.loads(request.content).get("user", "x")})
