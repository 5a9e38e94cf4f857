"""The oauth2 provider against the sandbox's authorization server (real sockets on 127.0.0.1).

Covers the calls the issue lists, client authentication, discovery, the token's secrets, the RFC 6749
§5.2 error mapping, the presets and revocation.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anytoken_oauth2 import _discovery
from anytoken_oauth2._auth import basic_header
from anytoken_oauth2._sandbox_emulator import CLIENT_ID, CLIENT_SECRET, PRIVATE_KEY, REFRESH_TOKEN
from anytoken_oauth2.sandbox import GOOGLE_KEY_FILE, sandbox_providers

import anytoken
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.sandbox.faults import Fault
from anytoken.devkit.sandbox.model import Route, SandboxProvider, SandboxRequest, SandboxResponse
from anytoken.devkit.testing import assert_no_secret
from anytoken.errors import (
    AuthenticationError,
    InsecureTransportError,
    InvalidParameterError,
    MalformedResponseError,
    MissingCredentialError,
    NotFoundError,
    NotRevocableError,
    ProviderRejectedError,
)

CREDS = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(sandbox_providers(), seed=3) as sandbox:
        yield sandbox


@pytest.fixture
def issuer(sb: Sandbox) -> str:
    sb.reset()
    _discovery.clear_cache()
    return sb.base_url("oauth2")


@pytest.fixture
def client() -> Iterator[anytoken.Client]:
    with anytoken.Client(env={}) as c:
        yield c


def _introspect(client: anytoken.Client, issuer: str, token: str) -> dict[str, Any]:
    import httpx

    # not httpx's auth=(id, secret): it skips RFC 6749 §2.3.1's form-encoding, which the sandbox enforces
    r = httpx.post(issuer + "/introspect", data={"token": token}, headers={"Authorization": basic_header(CLIENT_ID, CLIENT_SECRET)})
    assert r.status_code == 200
    result: dict[str, Any] = r.json()
    return result


# -- the calls of the issue -------------------------------------------------------------------------


def test_issuer_and_scope_string(client: anytoken.Client, issuer: str) -> None:
    token = client.create_token("oauth2", issuer=issuer, scope="api:read", credentials=CREDS)
    assert token.kind == "client_credentials"
    assert token.metadata["scope"] == ["api:read"] and token.metadata["token_type"] == "Bearer"
    assert token.metadata["token_endpoint_auth_method"] == "client_secret_basic"  # first of the server's methods
    assert token.metadata["issuer"] == issuer and token.metadata["revocation_endpoint"] == issuer + "/revoke"
    assert token.expires_in is not None and 3500 < token.expires_in.total_seconds() <= 3600
    assert _introspect(client, issuer, token.value)["active"] is True


def test_token_url_and_scope_list(client: anytoken.Client, issuer: str, sb: Sandbox) -> None:
    token = client.create_token("oauth2", token_url=issuer + "/token", scope=["api:read", "api:write"], credentials=CREDS)
    assert token.metadata["scope"] == ["api:read", "api:write"]
    assert sb.requests("oauth2", "getOpenidConfiguration") == 0  # no discovery with token_url
    assert _introspect(client, issuer, token.value)["scope"] == "api:read api:write"


def test_private_key_jwt(client: anytoken.Client, issuer: str, sb: Sandbox) -> None:
    token = client.create_token(
        "oauth2",
        issuer=issuer,
        token_endpoint_auth_method="private_key_jwt",
        credentials={"client_id": CLIENT_ID, "private_key": PRIVATE_KEY},
    )
    assert token.metadata["token_endpoint_auth_method"] == "private_key_jwt"
    # a private key alone chooses private_key_jwt; a path to a PEM file works too
    assert client.create_token("oauth2", issuer=issuer, credentials={"client_id": CLIENT_ID, "private_key": PRIVATE_KEY}).value


def test_private_key_from_a_file(client: anytoken.Client, issuer: str, tmp_path: Path) -> None:
    pem = tmp_path / "key.pem"
    pem.write_text(PRIVATE_KEY)
    token = client.create_token("oauth2", issuer=issuer, credentials={"client_id": CLIENT_ID, "private_key": str(pem)})
    assert token.metadata["token_endpoint_auth_method"] == "private_key_jwt"


def test_async(issuer: str) -> None:
    async def main() -> anytoken.Token:
        async with anytoken.Client(env={}) as c:
            return await c.acreate_token("oauth2", issuer=issuer, scope="api:read", credentials=CREDS)

    assert asyncio.run(main()).metadata["scope"] == ["api:read"]


def test_environment_only(issuer: str) -> None:
    env = {"OAUTH2_ISSUER": issuer, "OAUTH2_CLIENT_ID": CLIENT_ID, "OAUTH2_CLIENT_SECRET": CLIENT_SECRET}
    with anytoken.Client(env=env) as c:
        assert c.create_token("oauth2", scope="api:read").metadata["issuer"] == issuer
    with anytoken.Client(env={"OAUTH2_TOKEN_URL": issuer + "/token", **env}) as c:
        assert "revocation_endpoint" not in c.create_token("oauth2", scope="api:read").metadata  # no discovery


def test_get_token_is_cached_one_mint(issuer: str, sb: Sandbox) -> None:
    with anytoken.Client(env={}, credentials={"oauth2": CREDS}) as c:
        first = c.get_token("oauth2", issuer=issuer, scope="api:read")
        second = c.get_token("oauth2", issuer=issuer, scope="api:read")
    assert first.value == second.value
    assert sb.requests("oauth2", "requestToken") == 1


def test_cli(issuer: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OAUTH2_")}
    env.update(OAUTH2_CLIENT_ID=CLIENT_ID, OAUTH2_CLIENT_SECRET=CLIENT_SECRET)
    out = subprocess.run(
        [sys.executable, "-m", "anytoken", "create", "oauth2", "--issuer", issuer, "--scope", "api:read", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["metadata"]["scope"] == ["api:read"]
    assert CLIENT_SECRET not in out.stdout + out.stderr


# -- client authentication --------------------------------------------------------------------------


def test_basic_auth_form_encodes_before_base64() -> None:
    header = basic_header("id with space", "s:e+c/r%t")
    assert base64.b64decode(header.removeprefix("Basic ")).decode() == "id+with+space:s%3Ae%2Bc%2Fr%25t"


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post", "client_secret_jwt"])
def test_every_secret_method(client: anytoken.Client, issuer: str, method: str) -> None:
    # the sandbox secret holds ':', '+', '/', '%': Basic without RFC 6749 §2.3.1's encoding would fail
    token = client.create_token("oauth2", issuer=issuer, token_endpoint_auth_method=method, scope="api:read", credentials=CREDS)
    assert token.metadata["token_endpoint_auth_method"] == method


def test_assertions_get_a_fresh_jti_on_retries(issuer: str, sb: Sandbox) -> None:
    # the first answer is a 503 after the server saw (and remembered) the assertion's jti; the retry must
    # carry a new one, or the sandbox refuses it as a replay
    sb.inject("oauth2", "requestToken", Fault.http_status(503, run_handler=True), times=1)
    policy = anytoken.RetryPolicy(max_attempts=3, deadline=10, backoff=0.01)
    with anytoken.Client(env={}, retry=policy) as c:
        token = c.create_token("oauth2", issuer=issuer, credentials={"client_id": CLIENT_ID, "private_key": PRIVATE_KEY})
    assert token.value
    assert sb.requests("oauth2", "requestToken") == 2


def test_no_fitting_method_names_the_field(client: anytoken.Client, issuer: str) -> None:
    with pytest.raises(MissingCredentialError) as caught:
        client.create_token("oauth2", issuer=issuer, token_endpoint_auth_method="private_key_jwt", credentials=CREDS)
    assert "OAUTH2_PRIVATE_KEY" in str(caught.value)
    with pytest.raises(InvalidParameterError) as bad:
        client.create_token(
            "oauth2", issuer=issuer, credentials={"client_id": CLIENT_ID, "private_key": "-----BEGIN PRIVATE KEY-----\nnope"}
        )
    assert "credentials.private_key" in str(bad.value)


# -- discovery --------------------------------------------------------------------------------------


def test_discovery_is_cached_per_issuer(client: anytoken.Client, issuer: str, sb: Sandbox) -> None:
    for _ in range(3):
        client.create_token("oauth2", issuer=issuer, credentials=CREDS)
    assert sb.requests("oauth2", "getOpenidConfiguration") == 1


def test_rfc8414_document_when_oidc_is_missing(sb: Sandbox) -> None:
    """RFC 8414 §3.1: for issuer https://host/oauth2 the document is https://host/.well-known/oauth-authorization-server/oauth2."""
    _discovery.clear_cache()
    seen: list[str] = []

    def rfc8414(request: SandboxRequest, state: Any) -> SandboxResponse:
        seen.append(request.path)
        issuer = state.base_url.rsplit("/.well-known/", 1)[0] + "/oauth2"
        return SandboxResponse.json(200, {"issuer": issuer, "token_endpoint": issuer + "/token"})

    extra = SandboxProvider("rfc8414", "/.well-known/oauth-authorization-server", (Route("GET", "/oauth2", rfc8414, "meta"),), {}, {})
    with Sandbox([*sandbox_providers(), extra]) as box, anytoken.Client(env={}) as c:
        box.inject("oauth2", "getOpenidConfiguration", Fault.http_status(404))
        token = c.create_token("oauth2", issuer=box.base_url("oauth2"), credentials=CREDS)
    assert token.value and seen == ["/.well-known/oauth-authorization-server/oauth2"]
    assert "revocation_endpoint" not in token.metadata  # this metadata advertises none


def test_discovery_failures_are_clear(client: anytoken.Client, issuer: str, sb: Sandbox) -> None:
    sb.inject("oauth2", "getOpenidConfiguration", Fault.http_status(404), times=1)  # and nothing at RFC 8414's place
    with pytest.raises(NotFoundError) as missing:
        client.create_token("oauth2", issuer=issuer, credentials=CREDS)
    assert "discovery failed" in str(missing.value) and "token_url" in str(missing.value)
    sb.inject("oauth2", "getOpenidConfiguration", Fault.non_json(status=200), times=1)
    with pytest.raises(MalformedResponseError) as garbled:
        client.create_token("oauth2", issuer=issuer, credentials=CREDS)
    assert "not JSON" in str(garbled.value)


def test_unusable_metadata_is_not_cached(client: anytoken.Client, issuer: str, sb: Sandbox) -> None:
    sb.inject("oauth2", "getOpenidConfiguration", Fault.http_status(200, body={"issuer": issuer}), times=1)
    with pytest.raises(MalformedResponseError) as caught:
        client.create_token("oauth2", issuer=issuer, credentials=CREDS)
    assert "no token_endpoint" in str(caught.value)
    assert client.create_token("oauth2", issuer=issuer, credentials=CREDS).value  # discovered afresh
    assert sb.requests("oauth2", "getOpenidConfiguration") == 2


def test_issuer_mismatch_is_refused(client: anytoken.Client, issuer: str, sb: Sandbox) -> None:
    forged = {"issuer": "https://evil.example", "token_endpoint": "https://evil.example/token"}
    sb.inject("oauth2", "getOpenidConfiguration", Fault.http_status(200, body=forged), times=1)
    with pytest.raises(InvalidParameterError) as caught:
        client.create_token("oauth2", issuer=issuer, credentials=CREDS)
    assert "issuer" in str(caught.value) and "RFC 8414" in str(caught.value) and "evil.example" in str(caught.value)
    assert sb.requests("oauth2", "requestToken") == 0


def test_plain_http_endpoints_elsewhere_are_refused(client: anytoken.Client, issuer: str, sb: Sandbox) -> None:
    forged = {"issuer": issuer, "token_endpoint": "http://auth.example.com/token"}
    sb.inject("oauth2", "getOpenidConfiguration", Fault.http_status(200, body=forged), times=1)
    with pytest.raises(InsecureTransportError):
        client.create_token("oauth2", issuer=issuer, credentials=CREDS)
    assert sb.requests("oauth2", "requestToken") == 0


# -- the token --------------------------------------------------------------------------------------


def test_refresh_token_rotates_and_stays_secret(client: anytoken.Client, issuer: str) -> None:
    token = client.create_token("oauth2", kind="refresh_token", issuer=issuer, credentials={**CREDS, "refresh_token": REFRESH_TOKEN})
    rotated = token.get_secret("refresh_token")
    id_token = token.get_secret("id_token")
    assert rotated and rotated != REFRESH_TOKEN and id_token
    texts = [repr(token), str(token), json.dumps(token.to_dict()), repr(token.metadata), repr(token.raw), repr(token.secrets)]
    for text in texts:
        assert rotated not in text and id_token not in text and token.value not in text
    assert token.to_dict(reveal=True)["secrets"]["refresh_token"] == rotated
    again = client.create_token("oauth2", kind="refresh_token", issuer=issuer, credentials={**CREDS, "refresh_token": rotated})
    assert again.get_secret("refresh_token") not in (rotated, None)
    with pytest.raises(ProviderRejectedError) as reused:  # rotated refresh tokens are single use
        client.create_token("oauth2", kind="refresh_token", issuer=issuer, credentials={**CREDS, "refresh_token": rotated})
    assert reused.value.error == "invalid_grant"
    assert_no_secret(reused.value, rotated, CLIENT_SECRET)


def test_token_exchange(client: anytoken.Client, issuer: str) -> None:
    subject = client.create_token("oauth2", issuer=issuer, scope="api:read", credentials=CREDS)
    token = client.create_token(
        "oauth2",
        kind="token_exchange",
        issuer=issuer,
        audience="https://api.example.test",
        requested_token_type="urn:ietf:params:oauth:token-type:access_token",
        credentials={**CREDS, "subject_token": subject.value},
    )
    assert token.metadata["issued_token_type"] == "urn:ietf:params:oauth:token-type:access_token"
    with pytest.raises(InvalidParameterError):
        client.create_token(
            "oauth2", kind="token_exchange", issuer=issuer, credentials={**CREDS, "subject_token": subject.value, "actor_token": "a" * 30}
        )


def test_jwt_bearer_with_a_private_key(client: anytoken.Client, issuer: str) -> None:
    token = client.create_token(
        "oauth2", kind="jwt_bearer", issuer=issuer, scope="api:read", credentials={"client_id": CLIENT_ID, "private_key": PRIVATE_KEY}
    )
    assert token.claims is not None and token.claims["sub"] == CLIENT_ID


# -- errors (RFC 6749 §5.2) -------------------------------------------------------------------------


def test_wrong_secret_is_an_authentication_error(client: anytoken.Client, issuer: str) -> None:
    for method in ("client_secret_basic", "client_secret_post", "client_secret_jwt"):
        wrong = {"client_id": CLIENT_ID, "client_secret": "wrong-secret-0123456789abcdef-0123456789"}
        with pytest.raises(AuthenticationError) as caught:
            client.create_token("oauth2", issuer=issuer, token_endpoint_auth_method=method, credentials=wrong)
        assert caught.value.status == 401 and "invalid_client" in str(caught.value)
        assert_no_secret(caught.value, "wrong-secret-0123456789abcdef-0123456789")
    with pytest.raises(InvalidParameterError) as short:
        client.create_token(
            "oauth2",
            issuer=issuer,
            token_endpoint_auth_method="client_secret_jwt",
            credentials={"client_id": CLIENT_ID, "client_secret": "short"},
        )
    assert "RFC 7518" in str(short.value)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"scope": "admin:all"}, "invalid_scope"),
        ({"resource": ["https://elsewhere.test"]}, "invalid_target"),
        ({"extra": {"grant_type": "password"}}, None),
    ],
)
def test_rejections_carry_the_error_code(client: anytoken.Client, issuer: str, params: dict[str, Any], code: str | None) -> None:
    if code is None:
        with pytest.raises(InvalidParameterError) as usage:
            client.create_token("oauth2", issuer=issuer, credentials=CREDS, **params)
        assert "extra.grant_type" in str(usage.value)
        return
    with pytest.raises(ProviderRejectedError) as caught:
        client.create_token("oauth2", issuer=issuer, credentials=CREDS, **params)
    assert caught.value.error == code and caught.value.error_description
    assert code in str(caught.value)


def test_5xx_and_429_as_everywhere(issuer: str, sb: Sandbox) -> None:
    sb.inject("oauth2", "requestToken", Fault.http_status(429, retry_after=7), times=1)
    with (
        anytoken.Client(env={}, retry=anytoken.RetryPolicy(max_attempts=1)) as c,
        pytest.raises(anytoken.errors.RateLimitedError) as limited,
    ):
        c.create_token("oauth2", issuer=issuer, credentials=CREDS)
    assert limited.value.retry_after == 7


# -- presets ----------------------------------------------------------------------------------------


def test_google_service_account_file(sb: Sandbox, tmp_path: Path) -> None:
    key = tmp_path / "sa.json"
    key.write_text(GOOGLE_KEY_FILE)
    env = {"GOOGLE_APPLICATION_CREDENTIALS": str(key), "GOOGLE_OAUTH2_BASE_URL": sb.base_url("google")}
    with anytoken.Client(env=env) as c:
        token = c.create_token("google", scope=["api:read"])
    assert token.kind == "jwt_bearer" and token.claims is not None and token.claims["sub"] == CLIENT_ID
    with anytoken.Client(env={"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "missing.json")}) as c, pytest.raises(InvalidParameterError):
        c.create_token("google", scope="x")


def test_auth0_needs_an_audience_and_reads_its_env(sb: Sandbox) -> None:
    with anytoken.Client(
        env={"AUTH0_CLIENT_ID": CLIENT_ID, "AUTH0_CLIENT_SECRET": CLIENT_SECRET}, base_urls={"auth0": sb.base_url("auth0")}
    ) as c:
        with pytest.raises(InvalidParameterError) as caught:
            c.create_token("auth0")
        assert "audience" in str(caught.value)
        assert c.create_token("auth0", audience="https://api.example.test").metadata["issuer"] == sb.base_url("auth0") + "/"


def test_entra_builds_the_tenant_endpoint(sb: Sandbox) -> None:
    env = {"AZURE_TENANT_ID": "contoso.onmicrosoft.com", "AZURE_CLIENT_ID": CLIENT_ID, "AZURE_CLIENT_SECRET": CLIENT_SECRET}
    with anytoken.Client(env={**env, "AZURE_AUTHORITY_HOST": sb.base_url("entra")}) as c:
        token = c.create_token("entra", scope="api:read")
    assert token.metadata["token_endpoint"] == sb.base_url("entra") + "/contoso.onmicrosoft.com/oauth2/v2.0/token"
    assert token.metadata["token_endpoint_auth_method"] == "client_secret_post"


# -- revocation (RFC 7009) --------------------------------------------------------------------------


def test_revoke_then_introspection_says_inactive(client: anytoken.Client, issuer: str) -> None:
    token = client.create_token("oauth2", issuer=issuer, scope="api:read", credentials=CREDS)
    assert _introspect(client, issuer, token.value)["active"] is True
    client.revoke_token(token, credentials=CREDS)
    assert _introspect(client, issuer, token.value) == {"active": False}


def test_revoke_without_an_endpoint_is_a_typed_error(sb: Sandbox) -> None:
    env = {
        "AZURE_TENANT_ID": "t1",
        "AZURE_CLIENT_ID": CLIENT_ID,
        "AZURE_CLIENT_SECRET": CLIENT_SECRET,
        "AZURE_AUTHORITY_HOST": sb.base_url("entra"),
    }
    with anytoken.Client(env=env) as c:
        token = c.create_token("entra", scope="api:read")
        with pytest.raises(NotRevocableError) as caught:
            c.revoke_token(token)
    assert "revocation_endpoint" in str(caught.value)


def test_entra_takes_its_documented_app_only_scope(sb: Sandbox) -> None:
    env = {"AZURE_TENANT_ID": "contoso.onmicrosoft.com", "AZURE_CLIENT_ID": CLIENT_ID, "AZURE_CLIENT_SECRET": CLIENT_SECRET}
    with anytoken.Client(env={**env, "AZURE_AUTHORITY_HOST": sb.base_url("entra")}) as c:
        token = c.create_token("entra", scope="https://graph.microsoft.com/.default")  # docs/oauth2.md's example
    assert token.metadata["scope"] == ["https://graph.microsoft.com/.default"]


@pytest.mark.parametrize(("field", "value"), [("issuer", "not a url"), ("token_url", "ftp://auth.example.com/token")])
def test_a_bad_issuer_or_token_url_is_named_in_the_error(client: anytoken.Client, field: str, value: str) -> None:
    where: dict[str, Any] = {field: value}
    with pytest.raises(anytoken.errors.InvalidParameterError) as caught:
        client.create_token("oauth2", credentials=CREDS, **where)
    assert caught.value.fields == (field,) and "http(s) URL" in str(caught.value)
