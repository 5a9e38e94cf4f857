"""Defect 4 of issue 10: no secret shows in the repr/str of anything reachable from a Token or an error.

Every kind of the demo is minted over real sockets from the sandbox on 127.0.0.1, sync and async, and
everything reachable from the token is walked (attributes, attrs fields, dicts, lists,
``additional_properties``), ``token.raw`` and its nested models included. The typed API of ``raw`` keeps
working; the generated request models (Quadrata's ``LoginRequest`` holds the API key) mask too.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

import anytoken
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.testing import assert_nothing_reachable_shows, reachable
from anytoken.errors import AnytokenError


def _demo_cases(sandbox: Sandbox) -> list[tuple[str, str, dict[str, Any]]]:
    with sandbox.client(env={}) as client:
        return [(info.name, kind.name, sandbox.examples(info.name)[kind.name]) for info in client.list_providers() for kind in info.kinds]


def _secrets(sandbox: Sandbox, client: anytoken.Client, provider: str) -> list[str]:
    info = client.registry.provider(provider)
    return [v for k, v in sandbox.credentials(provider).items() if info.credential(k).secret]


@pytest.mark.parametrize("http", ["wire", "httpx"])
def test_every_demo_kind_masks_everything_reachable(anytoken_sandbox: Sandbox, http: str) -> None:
    cases = _demo_cases(anytoken_sandbox)
    assert len(cases) >= 12, cases  # every built-in provider's kinds
    with anytoken_sandbox.client(env={"ANYTOKEN_HTTP": http}) as client:

        async def amint(provider: str, kind: str, params: dict[str, Any]) -> anytoken.Token:
            token: anytoken.Token = await client.acreate_token(provider, kind=kind, **params)
            return token

        for provider, kind, params in cases:
            secrets = _secrets(anytoken_sandbox, client, provider)
            for token in (client.create_token(provider, kind=kind, **params), asyncio.run(amint(provider, kind, params))):
                objects = [obj for _, obj in reachable(token) if not isinstance(obj, str | int | float | type(None))]
                assert len(objects) >= 3, f"{provider}/{kind}: the walk reached too little to prove anything"
                assert_nothing_reachable_shows(token, token.value, *secrets)
                assert_nothing_reachable_shows(f"{token.raw} {token.raw!r} {token.raw!s}", token.value)


def test_the_walk_finds_a_leak(anytoken_sandbox: Sandbox) -> None:
    """The checker is not vacuous: the unmasked answer does show the token."""
    from anytoken._masked import unmasked

    with anytoken_sandbox.client(env={}) as client:
        token = client.create_token("clerk", kind="m2m", **anytoken_sandbox.examples("clerk")["m2m"])
    with pytest.raises(AssertionError, match="secret shows"):
        assert_nothing_reachable_shows({"raw": unmasked(token.raw)}, token.value)


def test_raw_keeps_its_typed_api(anytoken_sandbox: Sandbox) -> None:
    from anytoken_clerk_client.models import M2MToken
    from anytoken_quadrata_client.models import AccessToken, LoginResponse

    with anytoken_sandbox.client(env={}) as client:
        m2m = client.create_token("clerk", kind="m2m", **anytoken_sandbox.examples("clerk")["m2m"])
        quadrata = client.create_token("quadrata", **anytoken_sandbox.examples("quadrata")["access"])
    assert isinstance(m2m.raw, M2MToken) and m2m.raw.token == m2m.value and m2m.raw.id == m2m.id
    assert json.loads(json.dumps(m2m.raw.to_dict()))["token"] == m2m.value  # to_dict() is plain data
    assert isinstance(quadrata.raw, LoginResponse) and isinstance(quadrata.raw.data, AccessToken)
    assert quadrata.raw.data.access_token == quadrata.value
    assert_nothing_reachable_shows([repr(quadrata.raw.data), repr(quadrata.raw.to_dict)], quadrata.value)


def test_generated_request_model_masks_the_api_key() -> None:
    from anytoken_quadrata_client.models import LoginRequest

    key = "qk_live_0123456789abcdefABCDEF"
    body = LoginRequest(api_key=key)
    assert_nothing_reachable_shows([repr(body), str(body)], key)
    assert "api_key=<secret>" in repr(body)
    assert body.to_dict() == {"apiKey": key}


@pytest.mark.parametrize("http", ["wire", "httpx"])
def test_errors_mask_everything_reachable(anytoken_sandbox: Sandbox, http: str) -> None:
    checked = 0
    for provider, kind, params in _demo_cases(anytoken_sandbox):
        with anytoken_sandbox.client(env={}) as client:
            info = client.registry.provider(provider)
            secrets = _secrets(anytoken_sandbox, client, provider)
        wrong = {name: f"wrong-{name}-0123456789abcdef" for name in info.kind(kind).credentials}
        if not wrong:
            continue
        creds = {**anytoken_sandbox.credentials(provider), **wrong}
        with (
            anytoken_sandbox.client(env={"ANYTOKEN_HTTP": http}, credentials={provider: creds}) as client,
            pytest.raises(AnytokenError) as caught,
        ):
            client.create_token(provider, kind=kind, **params)
        assert_nothing_reachable_shows(caught.value, *wrong.values(), *secrets)
        checked += 1
    assert checked >= 10
