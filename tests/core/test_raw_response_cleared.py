"""Defect 5 of issue 10: the raw httpx response (it holds the token) must not stay in the caller's context
after a mint, whichever plugin answered: here a plugin written directly on the hooks (not on
GeneratedProvider), over real sockets to the sandbox's Quadrata emulation on 127.0.0.1."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import anytoken
from anytoken import CredentialField, ProviderInfo, Token, TokenKind, TokenRequest, hookimpl
from anytoken.devkit.sandbox import Sandbox
from anytoken.errors import AuthenticationError
from anytoken.plugins import Registry
from anytoken.provider import error_for_response, last_response

DIRECT = ProviderInfo(
    name="direct",
    kinds=(TokenKind("login", help="a Quadrata-style login token", credentials=("api_key",)),),
    credentials=(CredentialField("api_key", env=("DIRECT_API_KEY",), help="key"),),
    base_urls=(("default", "https://direct.invalid/api/v1"),),
    base_url_env="DIRECT_BASE_URL",
)


class DirectPlugin:
    """Written on the hooks with the pooled httpx clients, no GeneratedProvider."""

    @hookimpl
    def anytoken_providers(self) -> list[ProviderInfo]:
        return [DIRECT]

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        if request.provider != "direct":
            return None
        response = request.http.sync_client({}).post("/login", json={"apiKey": request.credential("api_key")})
        return self._finish(request, response)

    @hookimpl
    def acreate_token(self, request: TokenRequest) -> Any:
        if request.provider != "direct":
            return None

        async def run() -> Token:
            response = await request.http.async_client({}).post("/login", json={"apiKey": request.credential("api_key")})
            await response.aread()
            return self._finish(request, response)

        return run()

    @staticmethod
    def _finish(request: TokenRequest, response: Any) -> Token:
        if response.status_code != 200:
            raise error_for_response(request, response.status_code, dict(response.headers), response.content)
        return Token.from_value("direct", request.kind, response.json()["data"]["accessToken"], raw=response.json())


@pytest.fixture
def client(anytoken_sandbox: Sandbox) -> Any:
    registry = Registry(entry_points=False)
    registry.register(DirectPlugin(), name="direct-plugin", distribution="anytoken-direct")
    key = anytoken_sandbox.credentials("quadrata")["api_key"]
    with anytoken.Client(
        registry=registry, env={}, base_urls={"direct": anytoken_sandbox.base_url("quadrata")}, credentials={"direct": key}
    ) as client:
        yield client


def test_sync_mint_leaves_no_raw_response(client: anytoken.Client) -> None:
    token = client.create_token("direct")
    assert token.value.startswith("ey")
    assert last_response.get() is None


def test_async_mint_leaves_no_raw_response(client: anytoken.Client) -> None:
    async def mint() -> tuple[Token, object]:
        token = await client.acreate_token("direct")
        seen = last_response.get()
        await client.aclose()
        return token, seen

    token, seen = asyncio.run(mint())
    assert token.value and seen is None


def test_failed_mint_leaves_no_raw_response(client: anytoken.Client) -> None:
    with pytest.raises(AuthenticationError):
        client.create_token("direct", credentials="wrong-key-0123456789")
    assert last_response.get() is None


def test_raw_of_a_hand_written_plugin_is_masked(client: anytoken.Client) -> None:
    token = client.create_token("direct")
    assert token.raw["data"]["accessToken"] == token.value  # the data is there ...
    assert token.value not in repr(token.raw) and token.value not in str(token.raw["data"])  # ... its text masks it
