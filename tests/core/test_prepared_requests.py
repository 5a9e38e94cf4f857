"""The request memo shared by ``create_token`` and ``get_token`` (``_prepare.Prepared``): a call never mints
with another call's parameters, a subclass's ``mint`` sees every mint, and the memo stays bounded."""

from __future__ import annotations

import json
from typing import Any

import pytest

import anytoken
from anytoken import CredentialField, Param, ProviderInfo, Token, TokenKind, TokenRequest, hookimpl
from anytoken._call import CallOptions
from anytoken._prepare import MEMO_SIZE
from anytoken.plugins import Registry

MEMO = ProviderInfo(
    name="memo",
    kinds=(TokenKind("t", credentials=("api_key",), params=(Param("claims", "json"), Param("n", "int", default=1))),),
    credentials=(CredentialField("api_key", env=("MEMO_API_KEY",)),),
    base_urls=(("default", "https://memo.example.com"),),
)


class MemoPlugin:
    """Mints a token naming the parameters it was given; ``meddle`` changes ``request.params`` in place."""

    def __init__(self, *, meddle: bool = False) -> None:
        self.seen: list[Any] = []
        self.meddle = meddle

    @hookimpl
    def anytoken_providers(self) -> list[ProviderInfo]:
        return [MEMO]

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        claims = request.params.get("claims")
        self.seen.append(json.loads(json.dumps(claims)))
        if self.meddle and isinstance(claims, dict):
            claims.setdefault("roles", []).append("meddled")
        return Token("memo", "t", f"tok-{len(self.seen)}-{json.dumps(claims, sort_keys=True)}")

    @hookimpl
    def acreate_token(self, request: TokenRequest) -> Any:
        async def run() -> Token | None:
            return self.create_token(request)

        return run()


def client_for(plugin: MemoPlugin, cls: type[anytoken.Client] = anytoken.Client) -> anytoken.Client:
    registry = Registry(entry_points=False)
    registry.register(plugin, name="memo-plugin", distribution="anytoken-memo")
    return cls(registry=registry, env={"MEMO_API_KEY": "memo-key-123456"})


def test_a_caller_changing_a_value_it_passed_does_not_change_a_later_call() -> None:
    plugin = MemoPlugin()
    with client_for(plugin) as client:
        claims = {"roles": ["a"]}
        client.get_token("memo", claims=claims)
        claims["roles"].append("ADMIN")  # the caller reuses its dict
        client.get_token("memo", claims=claims, n=2)
        client.get_token("memo", claims={"roles": ["a"]}, force_refresh=True)
        client.create_token("memo", claims={"roles": ["a"]})
    assert plugin.seen == [{"roles": ["a"]}, {"roles": ["a", "ADMIN"]}, {"roles": ["a"]}, {"roles": ["a"]}]


def test_a_plugin_changing_request_params_does_not_reach_the_next_call() -> None:
    plugin = MemoPlugin(meddle=True)
    with client_for(plugin) as client:
        for _ in range(3):
            client.create_token("memo", claims={"roles": ["a"]})
    assert plugin.seen == [{"roles": ["a"]}] * 3


def test_a_subclass_mint_sees_every_mint() -> None:
    calls: list[str] = []

    class Counting(anytoken.Client):
        def mint(self, request: TokenRequest, *, timeout: float | None = None, retry: anytoken.RetryPolicy | None = None) -> Token:
            calls.append(f"mint timeout={timeout}")
            return super().mint(request, timeout=timeout, retry=retry)

        async def amint(self, request: TokenRequest, *, timeout: float | None = None, retry: anytoken.RetryPolicy | None = None) -> Token:
            calls.append("amint")
            return await super().amint(request, timeout=timeout, retry=retry)

    import asyncio

    with client_for(MemoPlugin(), Counting) as client:
        client.create_token("memo", timeout=3)
        client.get_token("memo", n=2)
        asyncio.run(client.acreate_token("memo"))
        asyncio.run(client.aget_token("memo", n=3))
    assert calls == ["mint timeout=3", "mint timeout=None", "amint", "amint"]


def test_a_full_memo_still_replaces_a_stale_entry_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MEMO_API_KEY": "memo-key-123456"}
    registry = Registry(entry_points=False)
    registry.register(MemoPlugin(), name="memo-plugin", distribution="anytoken-memo")
    with anytoken.Client(registry=registry, env=env) as client:
        builder = client._builder
        first = builder.prepared("memo", CallOptions(), {})
        assert builder.prepared("memo", CallOptions(), {}) is first  # memoised
        for i in range(MEMO_SIZE):  # fill the memo up
            builder.prepared("memo", CallOptions(), {"n": i + 2})
        env["MEMO_API_KEY"] = "rotated-key-654321"  # the entry goes stale
        fresh = builder.prepared("memo", CallOptions(), {})
        assert fresh is not first and fresh.request.credential("api_key") == "rotated-key-654321"
        assert builder.prepared("memo", CallOptions(), {}) is fresh  # and is memoised again, not re-prepared


def test_the_client_methods_fill_each_option_in_its_own_field() -> None:
    """CallOptions is built positionally on the hot path: every keyword must land in its own field."""
    seen: list[CallOptions] = []
    with client_for(MemoPlugin()) as client:
        real = client._builder.prepared

        def spy(provider: str, options: CallOptions, params: Any) -> Any:
            seen.append(options)
            return real(provider, options, params)

        client._builder.prepared = spy  # type: ignore[method-assign]
        policy = anytoken.RetryPolicy(max_attempts=2)
        given: dict[str, Any] = {
            "kind": "t",
            "credentials": "memo-key-999999",
            "base_url": "https://other.example.com",
            "timeout": 7.0,
            "retry": policy,
        }
        client.create_token("memo", **given)
        client.get_token("memo", **given, force_refresh=True, allow_persistent=True)
    assert seen[0] == CallOptions(**given)
    assert seen[1] == CallOptions(**given, force_refresh=True, allow_persistent=True)
