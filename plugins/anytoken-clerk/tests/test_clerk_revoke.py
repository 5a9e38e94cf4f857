"""Revoking Clerk tokens on the sandbox (real sockets), requests and answers checked against Clerk's own spec.

Opaque M2M tokens (``POST /m2m_tokens/{id}/revoke``, machine secret key), actor tokens and sign-in tokens
(``POST /actor_tokens/{id}/revoke``, ``POST /sign_in_tokens/{id}/revoke``, instance secret key) are revoked;
JWT M2M tokens, session JWTs and testing tokens cannot be and say so.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from anytoken_clerk import sandbox as clerk_sandbox
from anytoken_clerk.plugin import API_VERSION

from anytoken.devkit.fixtures import recording_fixtures
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_testing import Exchange, load_spec, match_operation, upstream_spec_path, validate_request
from anytoken.errors import NotRevocableError

#: reads ../shared/upstream-specs: with ANYTOKEN_REQUIRE=upstream-specs a skip here fails
pytestmark = pytest.mark.upstream_specs

UPSTREAM = upstream_spec_path("clerk-bapi-2026-05-12.yml")
pytest.importorskip("yaml")
pytest.importorskip("openapi_schema_validator")


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    return load_spec(UPSTREAM)


recorded, sb = recording_fixtures(clerk_sandbox.sandbox_provider)


def _check(upstream: dict[str, Any], ex: Exchange) -> dict[str, str]:
    from anytoken.devkit.spec_testing import validate_response

    op, params = match_operation(upstream, ex.method, ex.request_path.removeprefix("/clerk/v1"))
    assert op["operationId"] == ex.operation_id
    assert ex.headers.get("authorization", "").startswith("Bearer ") and ex.headers.get("clerk-api-version") == API_VERSION
    validate_request(upstream, op, ex, no_body=(b"", b"null"))
    assert validate_response(upstream, op, ex), f"{ex.operation_id}: {ex.status} has no documented body"
    return params


def _verify(sb: Sandbox, token: str) -> int:
    machine_key = sb.credentials("clerk")["machine_secret_key"]
    return httpx.post(
        sb.base_url("clerk") + "/m2m_tokens/verify", json={"token": token}, headers={"Authorization": f"Bearer {machine_key}"}
    ).status_code


def test_opaque_m2m_tokens_are_revoked_by_id(sb: tuple[Sandbox, list[Exchange]], upstream: dict[str, Any]) -> None:
    sandbox, log = sb
    with sandbox.client(env={}) as client:
        token = client.create_token("clerk", kind="m2m", seconds_until_expiration=600)
        assert _verify(sandbox, token.value) == 200
        client.revoke_token(token)
    assert _verify(sandbox, token.value) == 404
    (ex,) = [ex for ex in log if ex.operation_id == "revokeM2MToken"]
    assert _check(upstream, ex) == {"m2m_token_id": token.id}
    assert token.value.encode() not in ex.response_body, "the revocation answer does not echo the secret"


async def test_actor_and_sign_in_tokens_are_revoked(sb: tuple[Sandbox, list[Exchange]], upstream: dict[str, Any]) -> None:
    sandbox, log = sb
    examples = sandbox.examples("clerk")
    async with sandbox.client(env={}) as client:
        actor = await client.acreate_token("clerk", kind="actor", **examples["actor"])
        sign_in = await client.acreate_token("clerk", kind="sign_in", **examples["sign_in"])
        await client.arevoke_token(actor)
        client.revoke_token(sign_in)
    store = sandbox.state("clerk").store
    assert store["actor_tokens"][actor.id]["status"] == "revoked"
    assert store["sign_in_tokens"][sign_in.id]["status"] == "revoked"
    revokes = [ex for ex in log if ex.operation_id in ("RevokeActorToken", "RevokeSignInToken")]
    assert [_check(upstream, ex) for ex in revokes] == [{"actor_token_id": actor.id}, {"sign_in_token_id": sign_in.id}]


@pytest.mark.parametrize(
    ("kind", "params", "why"),
    [
        ("m2m", {"token_format": "jwt"}, "JWT M2M token is stateless"),
        ("session", {"session_id": clerk_sandbox.SESSION_ID}, "revoke the session instead"),
        ("testing", {}, "expires by itself"),
    ],
)
def test_kinds_that_cannot_be_revoked_say_so(sb: tuple[Sandbox, list[Exchange]], kind: str, params: dict[str, Any], why: str) -> None:
    sandbox, log = sb
    with sandbox.client(env={}) as client:
        token = client.create_token("clerk", kind=kind, **params)
        log.clear()
        with pytest.raises(NotRevocableError, match=why) as info:
            client.revoke_token(token)
    assert info.value.exit_code == 2 and token.value not in str(info.value)
    assert not log, "nothing was sent"


def test_unknown_ids_are_not_found(sb: tuple[Sandbox, list[Exchange]]) -> None:
    import attrs

    from anytoken.errors import NotFoundError

    sandbox, _ = sb
    with sandbox.client(env={}) as client:
        token = client.create_token("clerk", kind="m2m")
        gone = attrs.evolve(token, id="mt_" + "0" * 32)
        with pytest.raises(NotFoundError) as info:
            client.revoke_token(gone)
    assert token.value not in str(info.value)
