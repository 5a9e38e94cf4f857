"""The plugin's declaration, request building and response reading (httpx.MockTransport for single steps)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from anytoken_clerk import sandbox as cs
from anytoken_clerk.plugin import API_VERSION, DEFAULT_BASE_URL, plugin

import anytoken
from anytoken.devkit.fixtures import transport_clients, unsigned_jwt
from anytoken.devkit.sandbox import Fault, Sandbox
from anytoken.devkit.spec_testing import CapturingTransport
from anytoken.devkit.testing import assert_no_secret
from anytoken.errors import (
    AmbiguousMintError,
    AuthenticationError,
    InvalidParameterError,
    MalformedResponseError,
    NotFoundError,
    ProviderRejectedError,
)

SK = "sk_test_unit0123456789abcdef"
AK = "ak_unit0123456789abcdef"
CREDS = {"clerk": {"secret_key": SK, "machine_secret_key": AK}}
NOW_MS = 1_800_000_000_000


def _jwt(claims: dict[str, Any]) -> str:
    return unsigned_jwt(claims, alg="RS256")


def _m2m(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "object": "machine_to_machine_token",
        "id": "mt_" + "a" * 32,
        "subject": "mch_" + "b" * 27,
        "claims": None,
        "scopes": [],
        "token": "mt_" + "c" * 32,
        "revoked": False,
        "revocation_reason": None,
        "expired": False,
        "expiration": NOW_MS + 600_000,
        "last_used_at": None,
        "created_at": NOW_MS,
        "updated_at": NOW_MS,
    }
    body.update(over)
    return body


clients = transport_clients("clients", credentials=CREDS, env={})


@pytest.fixture
def mock(clients: Callable[[Any], anytoken.Client]) -> Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]]:
    def make(status: int, payload: Any) -> tuple[anytoken.Client, CapturingTransport]:
        rec = CapturingTransport(status, payload)
        return clients(rec), rec

    return make


# -- declaration -------------------------------------------------------------------------------------


def test_declaration() -> None:
    info = plugin.declare()
    info.check()
    assert info.name == "clerk" and info.default_kind == "m2m"
    assert [k.name for k in info.kinds] == ["m2m", "session", "actor", "sign_in", "testing"]
    assert info.base_urls == (("default", DEFAULT_BASE_URL),) and info.base_url_env == "CLERK_API_URL"
    assert info.credential("secret_key").env == ("CLERK_SECRET_KEY",)
    assert info.credential("machine_secret_key").env == ("CLERK_MACHINE_SECRET_KEY",)
    flags = {k.name: (k.credentials, k.persistent, k.idempotent, k.reusable) for k in info.kinds}
    assert flags == {
        "m2m": (("machine_secret_key",), True, False, True),
        "session": (("secret_key",), False, True, True),
        "actor": (("secret_key",), True, False, False),
        "sign_in": (("secret_key",), True, False, False),
        "testing": (("secret_key",), False, True, True),
    }
    m2m = info.kind("m2m")
    assert m2m.param("token_format") is not None and m2m.param("token_format").default == "opaque"  # type: ignore[union-attr]


# -- requests --------------------------------------------------------------------------------------------


def test_m2m_request(mock: Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]]) -> None:
    client, rec = mock(201, _m2m())
    client.create_token("clerk")
    req = rec.requests[-1]
    assert req.method == "POST" and str(req.url) == f"{DEFAULT_BASE_URL}/m2m_tokens"
    assert req.headers["authorization"] == f"Bearer {AK}"
    assert req.headers["clerk-api-version"] == API_VERSION
    assert req.headers["content-type"] == "application/json"
    assert rec.body == {"token_format": "opaque"}
    client.create_token("clerk", token_format="jwt", seconds_until_expiration="90", claims='{"a": [1]}', min_remaining_ttl_seconds=10)
    assert rec.body == {"token_format": "jwt", "seconds_until_expiration": 90.0, "claims": {"a": [1]}, "min_remaining_ttl_seconds": 10}


def test_session_requests(mock: Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]]) -> None:
    client, rec = mock(200, {"object": "token", "jwt": _jwt({"exp": 1_800_000_060, "sid": "sess_1"})})
    token = client.create_token("clerk", kind="session", session_id="sess_1")
    assert str(rec.requests[-1].url) == f"{DEFAULT_BASE_URL}/sessions/sess_1/tokens"
    assert rec.requests[-1].headers["authorization"] == f"Bearer {SK}"
    assert rec.body == {}
    assert token.expires_at == datetime.fromtimestamp(1_800_000_060, UTC)
    assert token.metadata == {"session_id": "sess_1"}
    token = client.create_token("clerk", kind="session", session_id="sess/../1", template="hasura custom", expires_in_seconds=120)
    assert rec.requests[-1].url.raw_path == b"/v1/sessions/sess%2F..%2F1/tokens/hasura%20custom"
    assert rec.body == {"expires_in_seconds": 120}
    assert token.metadata == {"session_id": "sess/../1", "template": "hasura custom"}


def test_actor_request_sends_only_what_was_given(mock: Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]]) -> None:
    ticket = _jwt({"exp": 1_800_003_600, "sub": "user_1"})
    body = {
        "object": "actor_token",
        "id": "act_1",
        "status": "pending",
        "user_id": "user_1",
        "actor": {"sub": "user_2"},
        "token": ticket,
        "url": "https://x/?ticket=" + ticket,
        "created_at": NOW_MS,
        "updated_at": NOW_MS,
    }
    client, rec = mock(200, body)
    token = client.create_token("clerk", kind="actor", user_id="user_1", actor='{"sub": "user_2", "iss": "support"}')
    assert str(rec.requests[-1].url) == f"{DEFAULT_BASE_URL}/actor_tokens"
    assert rec.body == {"user_id": "user_1", "actor": {"sub": "user_2", "iss": "support"}}
    assert token.id == "act_1" and token.expires_at == datetime.fromtimestamp(1_800_003_600, UTC)
    assert token.metadata == {"user_id": "user_1", "actor_sub": "user_2", "status": "pending"}
    assert ticket not in json.dumps(dict(token.metadata))
    client.create_token(
        "clerk", kind="actor", user_id="user_1", actor={"sub": "user_2"}, expires_in_seconds=60, session_max_duration_in_seconds=30
    )
    assert rec.body == {"user_id": "user_1", "actor": {"sub": "user_2"}, "expires_in_seconds": 60, "session_max_duration_in_seconds": 30}


def test_opaque_tickets_are_dated_from_created_at(mock: Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]]) -> None:
    body = {
        "object": "sign_in_token",
        "id": "sit_1",
        "status": "pending",
        "user_id": "user_1",
        "token": "opaque-ticket",
        "created_at": NOW_MS,
        "updated_at": NOW_MS,
    }
    client, rec = mock(200, body)
    token = client.create_token("clerk", kind="sign_in", user_id="user_1")
    assert rec.body == {"user_id": "user_1"}
    assert token.expires_at == datetime.fromtimestamp(NOW_MS / 1000 + 30 * 24 * 3600, UTC)
    token = client.create_token("clerk", kind="sign_in", user_id="user_1", org_id="org_1", expires_in_seconds=60)
    assert rec.body == {"user_id": "user_1", "org_id": "org_1", "expires_in_seconds": 60}
    assert token.expires_at == datetime.fromtimestamp(NOW_MS / 1000 + 60, UTC)
    assert token.metadata == {"user_id": "user_1", "status": "pending", "org_id": "org_1"}


def test_testing_request_has_no_body(mock: Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]]) -> None:
    client, rec = mock(200, {"object": "testing_token", "token": "1713877200-c_x", "expires_at": 1713880800})
    token = client.create_token("clerk", kind="testing")
    assert rec.requests[-1].content == b"" and str(rec.requests[-1].url) == f"{DEFAULT_BASE_URL}/testing_tokens"
    assert token.expires_at == datetime(2024, 4, 23, 14, 0, tzinfo=UTC)  # seconds, not milliseconds


# -- answers ---------------------------------------------------------------------------------------------


def test_m2m_expiry(mock: Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]]) -> None:
    client, _ = mock(201, _m2m(claims={"role": "x"}, scopes=["mch_" + "d" * 27]))
    token = client.create_token("clerk")
    assert token.expires_at == datetime.fromtimestamp(NOW_MS / 1000 + 600, UTC)
    assert token.id == "mt_" + "a" * 32
    assert token.metadata == {
        "subject": "mch_" + "b" * 27,
        "token_format": "opaque",
        "scopes": ["mch_" + "d" * 27],
        "claims": {"role": "x"},
    }
    client, _ = mock(201, _m2m(expiration=None))
    assert client.create_token("clerk").expires_at is None  # unknown, never invented
    client, _ = mock(201, _m2m(expiration=None, token=_jwt({"exp": 1_800_000_100, "jti": "mt_x"})))
    assert client.create_token("clerk", token_format="jwt").expires_at == datetime.fromtimestamp(1_800_000_100, UTC)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, ProviderRejectedError),
        (409, ProviderRejectedError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
    ],
)
def test_clerk_errors_are_mapped(
    mock: Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]], status: int, error: type[Exception]
) -> None:
    payload = {"errors": [{"message": "bad", "long_message": f"key {AK} rejected", "code": "x"}], "clerk_trace_id": "trace123"}
    client, _ = mock(status, payload)
    with pytest.raises(error) as caught:
        client.create_token("clerk")
    assert caught.value.status == status  # type: ignore[attr-defined]
    assert caught.value.request_id == "trace123"  # type: ignore[attr-defined]
    assert "rejected" in str(caught.value)
    assert_no_secret(caught.value, AK, SK)


def test_success_without_token_is_malformed(mock: Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]]) -> None:
    client, _ = mock(200, {"object": "token"})
    with pytest.raises(MalformedResponseError):
        client.create_token("clerk", kind="session", session_id="sess_1")
    client, _ = mock(200, {"object": "testing_token", "token": "", "expires_at": 1})
    with pytest.raises(MalformedResponseError):
        client.create_token("clerk", kind="testing")


async def test_async_matches_sync(mock: Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]]) -> None:
    client, rec = mock(201, _m2m())
    a = await client.acreate_token("clerk", token_format="jwt", claims={"x": 1})
    body = rec.body
    s = client.create_token("clerk", token_format="jwt", claims={"x": 1})
    assert rec.body == body and a.expires_at == s.expires_at and a.metadata == s.metadata
    await client.aclose()


# -- parameters rejected before any request -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("actor", {"user_id": "u", "actor": {"name": "x"}}, "actor"),
        ("actor", {"user_id": "u", "actor": {"sub": 5}}, "actor"),
        ("actor", {"user_id": "u", "actor": {"sub": " "}}, "actor"),
        ("actor", {"user_id": "u", "actor": "[1]"}, "actor"),
        ("actor", {"user_id": "u"}, "actor"),
        ("m2m", {"seconds_until_expiration": 0}, "seconds_until_expiration"),
        ("m2m", {"seconds_until_expiration": 60, "min_remaining_ttl_seconds": 60}, "min_remaining_ttl_seconds"),
        ("m2m", {"token_format": "paseto"}, "token_format"),
        ("m2m", {"min_remaining_ttl_seconds": -1}, "min_remaining_ttl_seconds"),
        ("session", {}, "session_id"),
        ("session", {"session_id": ""}, "session_id"),
        ("session", {"session_id": "s", "expires_in_seconds": 29}, "expires_in_seconds"),
        ("sign_in", {"org_id": "org_1"}, "user_id"),
        ("testing", {"anything": 1}, "anything"),
    ],
)
def test_bad_parameters_name_the_field(
    mock: Callable[[int, Any], tuple[anytoken.Client, CapturingTransport]], kind: str, params: dict[str, Any], field: str
) -> None:
    client, rec = mock(500, {})
    with pytest.raises(InvalidParameterError) as caught:
        client.create_token("clerk", kind=kind, **params)
    assert field in caught.value.fields
    assert rec.requests == []
    assert_no_secret(caught.value, AK, SK)


# -- against the sandbox ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox([cs.sandbox_provider()]) as sb:
        yield sb


def test_instance_key_on_m2m_is_an_authentication_error(sandbox: Sandbox) -> None:
    with (
        sandbox.client(env={}, credentials={"clerk": {"machine_secret_key": cs.INSTANCE_SECRET_KEY}}) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.create_token("clerk")
    assert caught.value.status == 401
    assert_no_secret(caught.value, cs.INSTANCE_SECRET_KEY, cs.MACHINE_SECRET_KEY)


def test_lost_answer_of_a_persistent_kind_is_ambiguous_and_not_retried(sandbox: Sandbox) -> None:
    sandbox.reset()
    sandbox.inject("clerk", "createM2MToken", Fault.reset(after_handler=True), times=1)
    with sandbox.client(env={}) as client, pytest.raises(AmbiguousMintError):
        client.create_token("clerk")
    assert sandbox.requests("clerk", "createM2MToken") == 1 and sandbox.created("clerk", "createM2MToken") == 1
    sandbox.inject("clerk", "CreateTestingToken", Fault.http_status(503), times=1)
    with sandbox.client(env={}) as client:
        assert client.create_token("clerk", kind="testing").value  # idempotent: retried
    assert sandbox.requests("clerk", "CreateTestingToken") == 2


def test_missing_token_field(sandbox: Sandbox) -> None:
    sandbox.reset()
    sandbox.inject("clerk", "CreateSessionToken", Fault.missing_token(), times=1)
    with sandbox.client(env={}) as client, pytest.raises(MalformedResponseError):
        client.create_token("clerk", kind="session", session_id=cs.SESSION_ID)


def test_env_vars_drive_the_cli(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from anytoken.cli import main

    for name, value in sandbox.env().items():
        monkeypatch.setenv(name, value)
    assert os.environ["CLERK_API_URL"] == sandbox.base_url("clerk")
    argv = ["create", "clerk", "--kind", "actor", "--user-id", cs.USER_ID, "--json", "--actor"]
    assert main([*argv, json.dumps({"sub": cs.ACTOR_USER_ID})]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert data["kind"] == "actor" and data["id"].startswith("act_") and data["expires_at"]
    assert main([*argv, '{"name": "x"}']) == 2
    bad = capsys.readouterr()
    assert "actor" in bad.err and "sub" in bad.err
    assert cs.INSTANCE_SECRET_KEY not in bad.err + out.err
