"""The revocation hooks (``revoke_token`` / ``arevoke_token``) and ``Client.revoke_token`` in the core.

A hand-written plugin revokes echo tokens with ``DELETE /tokens/{value}``; the provider itself is emulated
by a handler. Provider-specific revocation is tested on the sandbox and on a real Unleash server.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from echo_support import EchoPlugin

import anytoken
from anytoken import RevokeRequest, Token, hookimpl
from anytoken.errors import AuthenticationError, NotRevocableError, PluginError, UsageError
from anytoken.plugins import Registry
from anytoken.provider import error_for_response

KEY = "good-key-123456"


class Revoker:
    """Revokes echo ``plain`` tokens; answers None (not mine) for every other kind."""

    def __init__(self, answer: object = True) -> None:
        self.answer = answer
        self.seen: list[RevokeRequest] = []

    @hookimpl
    def revoke_token(self, request: RevokeRequest) -> object:
        if request.provider != "echo" or request.kind != "plain":
            return None
        self.seen.append(request)
        http = request.http.sync_client({"authorization": f"Bearer {request.credential('api_key')}"})
        response = http.delete(f"/tokens/{request.token.value}")
        if response.status_code != 200:
            raise error_for_response(request, response.status_code, dict(response.headers), response.content)
        return self.answer

    @hookimpl
    def arevoke_token(self, request: RevokeRequest) -> Any:
        if request.provider != "echo" or request.kind != "plain":
            return None
        self.seen.append(request)

        async def run() -> object:
            http = request.http.async_client({"authorization": f"Bearer {request.credential('api_key')}"})
            response = await http.delete(f"/tokens/{request.token.value}")
            await response.aread()
            if response.status_code != 200:
                raise error_for_response(request, response.status_code, dict(response.headers), response.content)
            return self.answer

        return run()


class Provider:
    """An echo server that mints ``tok-<user>-<n>`` and forgets revoked tokens; ``fail`` answers queue up."""

    def __init__(self) -> None:
        self.minted = 0
        self.revoked: list[str] = []
        self.fail: list[httpx.Response] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return httpx.Response(401, json={"message": "bad key"})
        if request.method == "DELETE":
            if self.fail:
                return self.fail.pop(0)
            self.revoked.append(request.url.path.rsplit("/", 1)[-1])
            return httpx.Response(200, json={})
        self.minted += 1
        user = json.loads(request.content).get("user", "x")
        return httpx.Response(200, json={"token": f"tok-{user}-{self.minted}"})


@pytest.fixture
def provider() -> Provider:
    return Provider()


@pytest.fixture
def revoker() -> Revoker:
    return Revoker()


@pytest.fixture
def client(provider: Provider, revoker: Revoker) -> Iterator[anytoken.Client]:
    reg = Registry(entry_points=False)
    reg.register(EchoPlugin(), name="echo-plugin", distribution="anytoken-echo")
    reg.register(revoker, name="echo-revoker")
    with anytoken.Client(
        registry=reg,
        env={"ECHO_API_KEY": KEY},
        transport=httpx.MockTransport(provider),
        async_transport=httpx.MockTransport(provider),
        retry=anytoken.RetryPolicy(backoff=0.001, max_backoff=0.002),
    ) as c:
        yield c


def test_revoke_token_calls_the_hook_and_drops_the_cached_copy(client: anytoken.Client, provider: Provider, revoker: Revoker) -> None:
    token = client.get_token("echo", user="u")
    assert client.get_token("echo", user="u") is token
    client.revoke_token(token)
    assert provider.revoked == [token.value]
    request = revoker.seen[0]
    assert request.token is token and request.base_url == "https://echo.example.com/v1"
    assert token.value not in repr(request) and KEY not in repr(request)
    fresh = client.get_token("echo", user="u")
    assert fresh.value != token.value, "the revoked token was still served from the cache"
    assert provider.minted == 2


async def test_arevoke_token_calls_the_async_hook(client: anytoken.Client, provider: Provider) -> None:
    token = await client.aget_token("echo", user="a")
    await client.arevoke_token(token)
    assert provider.revoked == [token.value]
    assert (await client.aget_token("echo", user="a")).value != token.value


def test_a_kind_no_plugin_revokes_is_a_typed_usage_error(client: anytoken.Client) -> None:
    token = Token.from_value("echo", "resource", "res-secret-value-1")
    with pytest.raises(NotRevocableError) as info:
        client.revoke_token(token)
    assert info.value.exit_code == 2
    assert str(info.value).startswith("echo/resource: this kind of token cannot be revoked")
    assert "res-secret-value-1" not in str(info.value)


async def test_async_kind_not_revocable(client: anytoken.Client) -> None:
    with pytest.raises(NotRevocableError):
        await client.arevoke_token(Token.from_value("echo", "resource", "res-secret-value-2"))


def test_transient_failures_are_retried_and_rejections_are_not(client: anytoken.Client, provider: Provider) -> None:
    token = client.create_token("echo", user="r")
    provider.fail = [httpx.Response(503, json={"message": "busy"})]
    client.revoke_token(token)
    assert provider.revoked == [token.value]
    provider.fail = [httpx.Response(403, json={"message": f"no, {token.value} is not yours"})]
    with pytest.raises(AuthenticationError) as info:
        client.revoke_token(token)
    assert token.value not in str(info.value) and "***" in str(info.value)


def test_bad_input(client: anytoken.Client) -> None:
    with pytest.raises(UsageError, match="needs the Token that create_token returned, not a str"):
        client.revoke_token("tok-u-1")  # type: ignore[arg-type]
    with pytest.raises(anytoken.errors.UnknownProviderError):
        client.revoke_token(Token.from_value("nope", "x", "secret-value-9"))


def test_a_plugin_answering_junk_is_a_plugin_error(client: anytoken.Client, revoker: Revoker) -> None:
    revoker.answer = "yes"
    with pytest.raises(PluginError, match="revoke_token returned str, not True"):
        client.revoke_token(client.create_token("echo", user="j"))


def test_module_level_functions_use_the_default_client(client: anytoken.Client, provider: Provider) -> None:
    anytoken.set_default_client(client)
    try:
        token = anytoken.create_token("echo", user="m")
        anytoken.revoke_token(token)
        assert provider.revoked == [token.value]
    finally:
        anytoken.set_default_client(None)


async def test_module_level_async(client: anytoken.Client, provider: Provider) -> None:
    anytoken.set_default_client(client)
    try:
        token = await anytoken.acreate_token("echo", user="m")
        await anytoken.arevoke_token(token)
        assert provider.revoked == [token.value]
    finally:
        anytoken.set_default_client(None)


def test_revocation_drops_the_token_from_a_shared_backend(provider: Provider, revoker: Revoker) -> None:
    """Two clients share one backend: revoking through the second drops the copy the first cached."""
    from anytoken.cache import MemoryBackend, TokenCache

    shared = MemoryBackend()
    reg = Registry(entry_points=False)
    reg.register(EchoPlugin(), name="echo-plugin", distribution="anytoken-echo")
    reg.register(revoker, name="echo-revoker")
    make: Callable[[], anytoken.Client] = lambda: anytoken.Client(  # noqa: E731
        registry=reg, env={"ECHO_API_KEY": KEY}, transport=httpx.MockTransport(provider), cache=TokenCache(shared)
    )
    with make() as one, make() as two:
        token = one.get_token("echo", user="s")
        assert len(shared) == 1
        two.revoke_token(token)
        assert len(shared) == 0
