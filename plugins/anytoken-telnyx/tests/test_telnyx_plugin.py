"""The Telnyx plugin against its sandbox emulation: the request it sends, the token it builds, its errors."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from anytoken_telnyx.plugin import DEFAULT_BASE_URL, plugin
from anytoken_telnyx.sandbox import SANDBOX_API_KEY, SEED_CONNECTION_ID, SEED_CREDENTIAL_ID, TOKEN_LIFETIME, UNKNOWN_CREDENTIAL_ID

import anytoken
from anytoken import Client
from anytoken.devkit.fixtures import jwt_part, sandbox_fixtures
from anytoken.devkit.sandbox import Fault, Sandbox
from anytoken.devkit.spec_testing import RecordingTransport
from anytoken.devkit.testing import assert_no_secret
from anytoken.errors import (
    AuthenticationError,
    InvalidParameterError,
    MalformedResponseError,
    MissingCredentialError,
    NotFoundError,
    ProviderRejectedError,
)
from anytoken.retry import RetryPolicy

OP = "CreateTelephonyCredentialToken"
NO_RETRY = RetryPolicy(max_attempts=1)


plugin_sandbox, sb, client = sandbox_fixtures(plugin.sandbox, seed=11)


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {SANDBOX_API_KEY}"}


# -- declaration ------------------------------------------------------------------------------------


def test_declaration() -> None:
    info = plugin.declare()
    info.check()
    assert info.name == "telnyx" and info.default_kind == "credential"
    assert info.base_urls == (("default", DEFAULT_BASE_URL),) and info.base_url_env == "TELNYX_BASE_URL"
    assert info.credential("api_key").env == ("TELNYX_API_KEY",)
    kind = info.kind("credential")
    assert (kind.reusable, kind.persistent, kind.idempotent) == (True, False, True)
    assert kind.credentials == ("api_key",)
    param = kind.param("credential_id")
    assert param is not None and param.required and param.type == "str"


# -- minting ----------------------------------------------------------------------------------------


def test_mints_the_credential_jwt(client: Client, sb: Sandbox) -> None:
    token = client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)
    claims = sb.verify_jwt(token.value)
    assert jwt_part(token.value, 0)["alg"] == "HS512"
    assert claims["aud"] == claims["iss"] == "telnyx_telephony" and claims["typ"] == "access"
    assert claims["sub"] == SEED_CREDENTIAL_ID and claims["tel_token"]
    assert claims["exp"] - claims["iat"] == TOKEN_LIFETIME and claims["nbf"] == claims["iat"] - 1
    assert token.expires_at is not None and int(token.expires_at.timestamp()) == claims["exp"]
    assert token.id == claims["jti"]
    assert token.metadata == {"credential_id": SEED_CREDENTIAL_ID}
    assert token.value not in repr(token)


def test_sends_the_key_and_an_idempotency_key(sb: Sandbox) -> None:
    recorder = RecordingTransport()
    with sb.client(env={}, transport=recorder, retry=NO_RETRY) as client:
        client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)
        client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)
    (first, _), (second, _) = recorder.exchanges
    assert first.method == "POST" and first.url.path == f"/telnyx/v2/telephony_credentials/{SEED_CREDENTIAL_ID}/token"
    assert first.headers["authorization"] == f"Bearer {SANDBOX_API_KEY}"
    assert first.headers["idempotency-key"] and first.headers["idempotency-key"] != second.headers["idempotency-key"]
    assert first.content == b""


def test_a_retry_reuses_the_idempotency_key(sb: Sandbox) -> None:
    recorder = RecordingTransport()
    sb.inject("telnyx", OP, Fault.http_status(503), times=1)
    with sb.client(env={}, transport=recorder, retry=RetryPolicy(max_attempts=3, backoff=0)) as client:
        token = client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)
    assert [r.status_code for _, r in recorder.exchanges] == [503, 201]
    keys = {req.headers["idempotency-key"] for req, _ in recorder.exchanges}
    assert len(keys) == 1
    assert token.value == recorder.exchanges[1][1].text


def test_async_mints(sb: Sandbox) -> None:
    async def run() -> anytoken.Token:
        async with sb.client(env={}) as client:
            token: anytoken.Token = await client.acreate_token("telnyx", credential_id=SEED_CREDENTIAL_ID)
            return token

    token = asyncio.run(run())
    assert sb.verify_jwt(token.value)["sub"] == SEED_CREDENTIAL_ID
    assert token.expires_at is not None


def test_env_vars_give_key_and_base_url(sb: Sandbox) -> None:
    env = {"TELNYX_API_KEY": SANDBOX_API_KEY, "TELNYX_BASE_URL": sb.base_url("telnyx")}
    with Client(env=env) as client:
        request = client.prepare("telnyx", params={"credential_id": SEED_CREDENTIAL_ID})
        assert request.base_url == sb.base_url("telnyx")
        assert client.mint(request).kind == "credential"
    with Client(env={"TELNYX_API_KEY": "KEYx"}) as client:
        assert client.prepare("telnyx", params={"credential_id": "x"}).base_url == DEFAULT_BASE_URL


def test_cli_create(sb: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from anytoken.api import set_default_client
    from anytoken.cli import main

    monkeypatch.setenv("TELNYX_API_KEY", SANDBOX_API_KEY)
    monkeypatch.setenv("TELNYX_BASE_URL", sb.base_url("telnyx"))
    set_default_client(None)
    try:
        assert main(["create", "telnyx", "--credential-id", SEED_CREDENTIAL_ID, "--json"]) == 0
    finally:
        set_default_client(None)
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "credential" and out["metadata"] == {"credential_id": SEED_CREDENTIAL_ID}
    assert sb.verify_jwt(out["value"])["sub"] == SEED_CREDENTIAL_ID


# -- failures ---------------------------------------------------------------------------------------


def test_unknown_credential_is_a_bare_404(client: Client, sb: Sandbox) -> None:
    raw = httpx.post(f"{sb.base_url('telnyx')}/telephony_credentials/{UNKNOWN_CREDENTIAL_ID}/token", headers=_auth())
    assert raw.status_code == 404 and raw.content == b"" and "content-type" not in raw.headers
    with pytest.raises(NotFoundError) as caught:
        client.create_token("telnyx", credential_id=UNKNOWN_CREDENTIAL_ID)
    assert caught.value.status == 404 and UNKNOWN_CREDENTIAL_ID in str(caught.value)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer KEY-not-the-sandbox-key"}, {"Authorization": SANDBOX_API_KEY}])
def test_missing_or_wrong_key_is_401_in_telnyx_shape(sb: Sandbox, headers: dict[str, str]) -> None:
    raw = httpx.post(f"{sb.base_url('telnyx')}/telephony_credentials/{SEED_CREDENTIAL_ID}/token", headers=headers)
    assert raw.status_code == 401 and raw.headers["content-type"].startswith("application/json")
    error = raw.json()["errors"][0]
    assert error["code"] == "10009" and error["title"] == "Authentication failed" and error["detail"]


def test_wrong_key_is_an_authentication_error_without_the_key(sb: Sandbox) -> None:
    wrong = "KEY0000000000000000000000000000000_wrongwrongwrongwrong"
    with sb.client(env={}, credentials={"telnyx": {"api_key": wrong}}) as client, pytest.raises(AuthenticationError) as caught:
        client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)
    assert caught.value.status == 401 and "api_key" in str(caught.value)
    assert_no_secret(caught.value, wrong, SANDBOX_API_KEY)


def test_missing_key_names_the_env_var(sb: Sandbox) -> None:
    with Client(env={}, base_urls={"telnyx": sb.base_url("telnyx")}) as client, pytest.raises(MissingCredentialError) as caught:
        client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)
    assert "TELNYX_API_KEY" in str(caught.value)


@pytest.mark.parametrize(("params", "why"), [({}, "is required"), ({"credential_id": 5}, "string"), ({"credential_id": "  "}, "empty")])
def test_bad_credential_id_fails_before_any_request(client: Client, sb: Sandbox, params: dict[str, Any], why: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        client.create_token("telnyx", **params)
    assert caught.value.fields == ("credential_id",) and why in str(caught.value)
    assert sb.requests("telnyx") == 0


def test_a_success_without_the_token_is_malformed(client: Client, sb: Sandbox) -> None:
    sb.inject("telnyx", OP, Fault.missing_token(), times=1)
    with pytest.raises(MalformedResponseError):
        client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)
    sb.inject("telnyx", OP, Fault.missing_token(transform=lambda _: "not a jwt"), times=1)
    with pytest.raises(MalformedResponseError):
        client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)


# -- the emulation ----------------------------------------------------------------------------------


def test_idempotency_key_replays_the_first_token(sb: Sandbox) -> None:
    url = f"{sb.base_url('telnyx')}/telephony_credentials/{SEED_CREDENTIAL_ID}/token"
    first = httpx.post(url, headers={**_auth(), "Idempotency-Key": "k-1"})
    again = httpx.post(url, headers={**_auth(), "Idempotency-Key": "k-1"})
    other = httpx.post(url, headers={**_auth(), "Idempotency-Key": "k-2"})
    plain = httpx.post(url, headers=_auth())
    assert first.status_code == again.status_code == other.status_code == plain.status_code == 201
    assert first.headers["content-type"].startswith("text/plain")
    assert first.text == again.text != other.text != plain.text


def _create(sb: Sandbox, body: Any) -> httpx.Response:
    return httpx.post(f"{sb.base_url('telnyx')}/telephony_credentials", headers=_auth(), json=body)


def test_credential_lifecycle(client: Client, sb: Sandbox) -> None:
    created = _create(sb, {"connection_id": SEED_CONNECTION_ID, "name": "alice", "tag": "web"})
    assert created.status_code == 201
    data = created.json()["data"]
    assert data["record_type"] == "credential" and data["name"] == "alice" and data["tag"] == "web"
    assert data["resource_id"] == f"connection:{SEED_CONNECTION_ID}" and data["expired"] is False
    assert data["sip_username"].startswith("gencred") and len(data["sip_username"]) == 29
    assert sb.created("telnyx", "CreateTelephonyCredential") == 1
    token = client.create_token("telnyx", credential_id=data["id"])
    assert token.claims is not None and token.claims["sub"] == data["id"]
    got = httpx.get(f"{sb.base_url('telnyx')}/telephony_credentials/{data['id']}", headers=_auth())
    assert got.status_code == 200 and got.json()["data"] == data
    deleted = httpx.delete(f"{sb.base_url('telnyx')}/telephony_credentials/{data['id']}", headers=_auth())
    assert deleted.status_code == 200
    with pytest.raises(NotFoundError):
        client.create_token("telnyx", credential_id=data["id"])
    gone = httpx.get(f"{sb.base_url('telnyx')}/telephony_credentials/{data['id']}", headers=_auth())
    assert gone.status_code == 404 and gone.content == b""


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({}, ["/connection_id"]),
        ({"connection_id": 123}, ["/connection_id"]),
        ({"connection_id": "42"}, ["/connection_id"]),
        ({"connection_id": SEED_CONNECTION_ID, "expires_at": "tomorrow", "name": 5}, ["/name", "/expires_at"]),
        ([1, 2], ["/"]),
    ],
)
def test_create_credential_rejects_bad_bodies_with_422(sb: Sandbox, body: Any, pointers: list[str]) -> None:
    answer = _create(sb, body)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert [e["source"]["pointer"] for e in errors] == pointers
    assert all(e["code"] and e["title"] and e["detail"] for e in errors)
    assert sb.created("telnyx") == 0


def test_token_expiry_is_capped_by_the_credential(client: Client, sb: Sandbox) -> None:
    expires = int(sb.state("telnyx").now()) + 3600
    iso = datetime.fromtimestamp(expires, UTC).isoformat()
    data = _create(sb, {"connection_id": SEED_CONNECTION_ID, "expires_at": iso}).json()["data"]
    token = client.create_token("telnyx", credential_id=data["id"])
    assert token.expires_at is not None and int(token.expires_at.timestamp()) == expires


def test_an_expired_credential_is_rejected(client: Client, sb: Sandbox) -> None:
    data = _create(sb, {"connection_id": SEED_CONNECTION_ID, "expires_at": "2020-01-01T00:00:00Z"}).json()["data"]
    assert data["expired"] is True
    with pytest.raises(ProviderRejectedError) as caught:
        client.create_token("telnyx", credential_id=data["id"])
    assert caught.value.status == 422 and "expired" in str(caught.value)
