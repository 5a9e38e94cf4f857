"""Revoking Unleash tokens on the sandbox (real sockets), each request checked against Unleash 8.2.0's own spec.

Backend / frontend API tokens are deleted by secret (``DELETE /api/admin/api-tokens/{token}``, the secret
URL-encoded), project-scoped ones through ``DELETE /api/admin/projects/{projectId}/api-tokens/{token}``, and
personal access tokens by id with the owner's PAT (``DELETE /api/admin/user/tokens/{id}``). After deletion the
sandbox's SDK endpoint answers 401 for the secret. The real-server twin is in ``test_unleash_live.py``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from anytoken_unleash import sandbox as unleash_sandbox

from anytoken.devkit.fixtures import recording_fixtures
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_testing import Exchange, load_spec, match_operation, upstream_spec_path
from anytoken.errors import InvalidParameterError

#: reads ../shared/upstream-specs: with ANYTOKEN_REQUIRE=upstream-specs a skip here fails
pytestmark = pytest.mark.upstream_specs

UPSTREAM = upstream_spec_path("unleash-8.2.0-openapi.json")
pytest.importorskip("openapi_schema_validator")


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    return load_spec(UPSTREAM)


recorded, sb = recording_fixtures(unleash_sandbox.sandbox_provider)


def _sdk_status(sb: Sandbox, secret: str) -> int:
    return httpx.get(sb.base_url("unleash") + "/api/client/features", headers={"Authorization": secret}).status_code


def _check_against_upstream(upstream: dict[str, Any], ex: Exchange, *, secret: str | None = None) -> dict[str, str]:
    """The exchange's concrete path matches the upstream operation; the secret travelled URL-encoded."""
    relative = ex.request_path.removeprefix("/unleash")
    op, params = match_operation(upstream, ex.method, relative)
    assert op["operationId"] == ex.operation_id
    declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
    assert set(params) == declared
    auth = ex.headers.get("authorization", "")
    assert auth and not auth.lower().startswith("bearer "), "the credential travels bare"
    assert str(ex.status) in op["responses"], f"{ex.operation_id}: {ex.status} not in the upstream spec"
    if secret is not None:
        assert params["token"] == secret and unquote(relative.rsplit("/", 1)[-1]) == secret
        assert ":" not in relative.rsplit("/", 1)[-1] and "*" not in relative.rsplit("/", 1)[-1], "the secret must be URL-encoded"
    return params


def test_api_tokens_are_deleted_by_secret(sb: tuple[Sandbox, list[Exchange]], upstream: dict[str, Any]) -> None:
    sandbox, log = sb
    with sandbox.client(env={}) as client:
        token = client.create_token("unleash", kind="backend")
        assert token.value.startswith("*:development.") and _sdk_status(sandbox, token.value) == 200
        client.revoke_token(token)
    assert _sdk_status(sandbox, token.value) == 401
    deletes = [ex for ex in log if ex.method == "DELETE"]
    assert [ex.operation_id for ex in deletes] == ["deleteApiToken"]
    _check_against_upstream(upstream, deletes[0], secret=token.value)


async def test_project_scoped_tokens_use_the_project_route(sb: tuple[Sandbox, list[Exchange]], upstream: dict[str, Any]) -> None:
    sandbox, log = sb
    async with sandbox.client(env={}) as client:
        token = await client.acreate_token("unleash", kind="backend", project="default")
        assert token.metadata["project"] == "default" and _sdk_status(sandbox, token.value) == 200
        await client.arevoke_token(token)
    assert _sdk_status(sandbox, token.value) == 401
    (ex,) = [ex for ex in log if ex.method == "DELETE"]
    assert ex.operation_id == "deleteProjectApiToken"
    assert _check_against_upstream(upstream, ex, secret=token.value)["projectId"] == "default"


def test_personal_access_tokens_are_deleted_by_id_with_the_owners_pat(sb: tuple[Sandbox, list[Exchange]], upstream: dict[str, Any]) -> None:
    sandbox, log = sb
    with sandbox.client(env={}) as client:
        pat = client.create_token("unleash", kind="personal")
        assert pat.id and pat.id.isdigit()
        with pytest.raises(InvalidParameterError, match="owner's personal access token"):
            client.revoke_token(pat, credentials=unleash_sandbox.ADMIN_API_TOKEN)
        client.revoke_token(pat)
    state = sandbox.state("unleash")
    assert pat.value not in state.store["pats"]
    (ex,) = [ex for ex in log if ex.method == "DELETE"]
    assert _check_against_upstream(upstream, ex)["id"] == pat.id


def test_revoking_drops_the_cached_token(sb: tuple[Sandbox, list[Exchange]]) -> None:
    sandbox, _ = sb
    with sandbox.client(env={}) as client:
        cached = client.get_token("unleash", kind="frontend", allow_persistent=True)
        assert client.get_token("unleash", kind="frontend", allow_persistent=True) is cached
        client.revoke_token(cached)
        fresh = client.get_token("unleash", kind="frontend", allow_persistent=True)
    assert fresh.value != cached.value
    assert sandbox.created("unleash", "createApiToken") == 2


def test_a_token_without_its_id_is_refused_with_the_field_named(sb: tuple[Sandbox, list[Exchange]]) -> None:
    sandbox, log = sb
    from anytoken import Token

    with sandbox.client(env={}) as client, pytest.raises(InvalidParameterError, match=r"token\.id") as info:
        client.revoke_token(Token.from_value("unleash", "personal", "user:" + "ab" * 28))
    assert "user:abab" not in str(info.value)
    assert not log, "nothing was sent"
