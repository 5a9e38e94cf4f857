"""The Qrvey plugin: declaration, request building, response mapping, errors (MockTransport + sandbox)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from anytoken_qrvey import sandbox as qs
from anytoken_qrvey._duration import duration_problem, duration_seconds
from anytoken_qrvey.plugin import plugin

from anytoken import Client
from anytoken.devkit.fixtures import transport_clients, unsigned_jwt
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_testing import CapturingTransport
from anytoken.devkit.testing import assert_no_secret
from anytoken.errors import (
    AuthenticationError,
    InvalidParameterError,
    MalformedResponseError,
    MissingBaseURLError,
    MissingCredentialError,
    ProviderRejectedError,
)

BASE = "https://acme.qrveyapp.com"
KEY = "qrvey-test-key-0123456789abcdef"
ADMIN = {"admin_username": "ops-admin", "admin_access_key": "access-0123456789abcdef"}
CREDS = {"api_key": KEY, **ADMIN}


def _jwt(claims: dict[str, Any]) -> str:
    return unsigned_jwt(claims)


class Recorder(CapturingTransport):
    """Answers with a widget token unless told otherwise."""

    def __init__(self, status: int = 200, payload: Any = None) -> None:
        super().__init__(status, payload if payload is not None else {"token": _jwt({"iat": 1_800_000_000, "exp": 1_900_000_000})})


mock_client = transport_clients("mock_client", base_urls={"qrvey": BASE}, credentials={"qrvey": CREDS}, env={})


# -- declaration ------------------------------------------------------------------------------------


def test_declaration() -> None:
    info = plugin.declare()
    info.check()
    assert info.base_urls == () and info.base_url_env == "QRVEY_BASE_URL"
    assert info.base_url_example == "https://<instance>.qrveyapp.com"
    assert [k.name for k in info.kinds] == ["widget", "admin"]
    widget, admin = info.kinds
    assert widget.extra_params and not admin.extra_params
    assert [(p.name, p.required) for p in widget.params] == [("userid", True), ("appid", True), ("clientid", False), ("expiresIn", False)]
    assert widget.credentials == ("api_key",) and admin.credentials == ("admin_username", "admin_access_key")
    for kind in info.kinds:
        assert (kind.reusable, kind.persistent, kind.idempotent) == (True, False, True)
    envs = {c.name: c.env for c in info.credentials}
    assert envs == {
        "api_key": ("QRVEY_API_KEY",),
        "admin_username": ("QRVEY_ADMIN_USERNAME",),
        "admin_access_key": ("QRVEY_ADMIN_ACCESS_KEY",),
    }


def test_missing_base_url_names_the_env_var() -> None:
    with Client(credentials={"qrvey": CREDS}, env={}) as client, pytest.raises(MissingBaseURLError) as caught:
        client.create_token("qrvey", userid="u", appid="a")
    assert "QRVEY_BASE_URL" in str(caught.value) and "qrveyapp.com" in str(caught.value)


def test_base_url_and_key_from_the_environment(anytoken_sandbox: Sandbox) -> None:
    env = {"QRVEY_BASE_URL": anytoken_sandbox.base_url("qrvey"), "QRVEY_API_KEY": qs.API_KEY}
    with Client(env=env) as client:
        assert client.create_token("qrvey", userid="u", appid="a").expires_at is not None


def test_missing_api_key_names_its_env_var() -> None:
    with Client(base_urls={"qrvey": BASE}, env={}) as client, pytest.raises(MissingCredentialError) as caught:
        client.create_token("qrvey", userid="u", appid="a")
    assert "QRVEY_API_KEY" in str(caught.value)


# -- the widget request -----------------------------------------------------------------------------


def test_widget_request_shape(mock_client: Callable[[Recorder], Client]) -> None:
    rec = Recorder()
    config: dict[str, Any] = {
        "orgId": "o-1",
        "dashboardId": "d-1",
        "permissions": [{"dataset_id": "*", "records": [{"f": 1}]}],
        "nested": {"a": None},
    }
    token = mock_client(rec).create_token("qrvey", userid="u1", appid="a1", clientid="c1", expiresIn="1w", **config)
    request = rec.requests[-1]
    assert (request.method, request.url.path) == ("POST", "/devapi/v4/core/login/token")
    assert request.headers["x-api-key"] == KEY
    assert "authorization" not in request.headers
    assert request.headers["content-type"] == "application/json"
    assert rec.body == {"userid": "u1", "appid": "a1", "clientid": "c1", "expiresIn": "1w", **config}
    assert token.kind == "widget"
    assert token.expires_at is not None and int(token.expires_at.timestamp()) == 1_900_000_000
    assert token.metadata == {
        "userid": "u1",
        "appid": "a1",
        "clientid": "c1",
        "configuration": ["dashboardId", "nested", "orgId", "permissions"],
    }


def test_widget_optional_fields_are_omitted(mock_client: Callable[[Recorder], Client]) -> None:
    rec = Recorder()
    mock_client(rec).create_token("qrvey", userid="u1", appid="a1")
    assert rec.body == {"userid": "u1", "appid": "a1"}


def test_expires_in_alias(mock_client: Callable[[Recorder], Client]) -> None:
    rec = Recorder()
    token = mock_client(rec).create_token("qrvey", userid="u1", appid="a1", expires_in="12h")
    assert rec.body == {"userid": "u1", "appid": "a1", "expiresIn": "12h"}
    assert "configuration" not in token.metadata


@pytest.mark.parametrize(
    "params",
    [
        {"expires_in": "1h", "expiresIn": "2h"},
        {"expires_in": 3600},
    ],
)
def test_expires_in_alias_misuse(mock_client: Callable[[Recorder], Client], params: dict[str, Any]) -> None:
    rec = Recorder()
    with pytest.raises(InvalidParameterError) as caught:
        mock_client(rec).create_token("qrvey", userid="u1", appid="a1", **params)
    assert caught.value.fields == ("expires_in",)
    assert rec.requests == []


@pytest.mark.parametrize("value", ["3600", "60", "soon", "1 fortnight", "-1h", "0m", "500ms", "", "1h30m", "x" * 300])
def test_bad_expires_in_is_rejected_before_any_request(mock_client: Callable[[Recorder], Client], value: str) -> None:
    rec = Recorder()
    with pytest.raises(InvalidParameterError) as caught:
        mock_client(rec).create_token("qrvey", userid="u1", appid="a1", expiresIn=value)
    assert caught.value.fields == ("expiresIn",)
    assert '"60m"' in str(caught.value)  # the message shows an example
    assert len(str(caught.value)) < 300
    assert rec.requests == []


def test_bad_alias_names_the_alias(mock_client: Callable[[Recorder], Client]) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        mock_client(Recorder()).create_token("qrvey", userid="u1", appid="a1", expires_in="3600")
    assert caught.value.fields == ("expires_in",)


def test_bad_expires_in_async(mock_client: Callable[[Recorder], Client]) -> None:
    client = mock_client(Recorder())
    with pytest.raises(InvalidParameterError):
        asyncio.run(client.acreate_token("qrvey", userid="u1", appid="a1", expiresIn="1 fortnight"))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("60m", 3600), ("1h", 3600), ("1d", 86400), ("1w", 604800), ("1.5h", 5400), ("2 days", 172800), ("10 MINS", 600), ("1y", 31557600)],
)
def test_duration_grammar(text: str, seconds: float) -> None:
    assert duration_seconds(text) == seconds and duration_problem(text) is None


def test_non_json_configuration_is_rejected(mock_client: Callable[[Recorder], Client]) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        mock_client(Recorder()).create_token("qrvey", userid="u1", appid="a1", orgId=object())
    assert caught.value.fields == ("orgId",)


def test_missing_userid_names_the_field(mock_client: Callable[[Recorder], Client]) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        mock_client(Recorder()).create_token("qrvey", appid="a1")
    assert caught.value.fields == ("userid",)


# -- the widget answer ------------------------------------------------------------------------------


def test_opaque_token_has_no_invented_expiry(mock_client: Callable[[Recorder], Client]) -> None:
    token = mock_client(Recorder(payload={"token": "opaque-token-value"})).create_token("qrvey", userid="u", appid="a", expiresIn="1h")
    assert token.value == "opaque-token-value" and token.expires_at is None


@pytest.mark.parametrize("payload", [{}, {"token": ""}, {"token": None}, {"jwt": "x"}, [1]])
def test_success_without_a_token_is_malformed(mock_client: Callable[[Recorder], Client], payload: Any) -> None:
    with pytest.raises(MalformedResponseError):
        mock_client(Recorder(payload=payload)).create_token("qrvey", userid="u", appid="a")


def test_sync_and_async_send_the_same_request(mock_client: Callable[[Recorder], Client]) -> None:
    rec = Recorder()
    client = mock_client(rec)
    params: dict[str, Any] = {"userid": "u", "appid": "a", "expiresIn": "5m", "orgId": "o"}
    sync_token = client.create_token("qrvey", **params)

    async def run() -> Any:
        return await client.acreate_token("qrvey", **params)

    async_token = asyncio.run(run())
    first, second = rec.requests
    assert (first.url, first.content, first.headers["x-api-key"]) == (second.url, second.content, second.headers["x-api-key"])
    assert sync_token.expires_at == async_token.expires_at and sync_token.metadata == async_token.metadata


# -- admin ------------------------------------------------------------------------------------------


def test_admin_request_shape(mock_client: Callable[[Recorder], Client]) -> None:
    rec = Recorder(payload={"token": _jwt({"exp": 1_900_000_000}), "status": True})
    token = mock_client(rec).create_token("qrvey", kind="admin")
    request = rec.requests[-1]
    assert (request.method, request.url.path) == ("POST", "/admin/api/v5/login")
    assert rec.body == {"username": "ops-admin", "accessKey": ADMIN["admin_access_key"]}
    assert "x-api-key" not in request.headers and "authorization" not in request.headers
    assert token.metadata == {"authorization_scheme": "jwt", "api_version": "v5"}
    assert token.expires_at is not None
    assert ADMIN["admin_username"] not in json.dumps(token.to_dict())


def test_admin_opaque_token_has_no_expiry(mock_client: Callable[[Recorder], Client]) -> None:
    token = mock_client(Recorder(payload={"token": "opaque", "status": True})).create_token("qrvey", kind="admin")
    assert token.expires_at is None


def test_admin_status_false_is_malformed(mock_client: Callable[[Recorder], Client]) -> None:
    with pytest.raises(MalformedResponseError):
        mock_client(Recorder(payload={"token": "x", "status": False})).create_token("qrvey", kind="admin")


def test_admin_takes_no_parameters(mock_client: Callable[[Recorder], Client]) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        mock_client(Recorder()).create_token("qrvey", kind="admin", userid="u")
    assert caught.value.fields == ("userid",)


# -- errors against the sandbox ---------------------------------------------------------------------


def test_sandbox_400_is_provider_rejected_with_the_field(anytoken_sandbox: Sandbox) -> None:
    with anytoken_sandbox.client(env={}) as client, pytest.raises(ProviderRejectedError) as caught:
        client.create_token("qrvey", userid="  ", appid="a")
    assert caught.value.status == 400 and "userid" in str(caught.value)


def test_sandbox_wrong_admin_credentials(anytoken_sandbox: Sandbox) -> None:
    wrong = {"admin_username": "intruder", "admin_access_key": "guess-0123456789"}
    with anytoken_sandbox.client(env={}, credentials={"qrvey": wrong}) as client, pytest.raises(AuthenticationError) as caught:
        client.create_token("qrvey", kind="admin")
    assert caught.value.status == 401
    assert_no_secret(caught.value, *wrong.values(), *anytoken_sandbox.credentials("qrvey").values())


def test_sandbox_widget_claims_and_expiry(anytoken_sandbox: Sandbox) -> None:
    with anytoken_sandbox.client(env={}) as client:
        token = client.create_token("qrvey", userid="u", appid="a", clientid="c", expiresIn="2h", dashboardId="d", permissions=[{"x": 1}])
    claims = anytoken_sandbox.verify_jwt(token.value)
    assert {k: claims[k] for k in ("userid", "appid", "clientid", "dashboardId", "permissions")} == {
        "userid": "u",
        "appid": "a",
        "clientid": "c",
        "dashboardId": "d",
        "permissions": [{"x": 1}],
    }
    assert claims["exp"] - claims["iat"] == 7200
    assert token.expires_at is not None and int(token.expires_at.timestamp()) == claims["exp"]


def test_secrets_stay_out_of_reprs(mock_client: Callable[[Recorder], Client]) -> None:
    rec = Recorder()
    client = mock_client(rec)
    token = client.create_token("qrvey", userid="u", appid="a")
    assert token.value not in repr(token) and KEY not in repr(client)


def test_call_repr_hides_the_key() -> None:
    from anytoken.tokens import TokenRequest

    with Client(base_urls={"qrvey": BASE}, credentials={"qrvey": CREDS}, env={}) as client:
        info = plugin.declare()
        captured: list[TokenRequest] = []
        original = plugin.plan

        def spy(request: TokenRequest) -> Any:
            captured.append(request)
            raise InvalidParameterError([("spy", "stop")])

        plugin.plan = spy  # type: ignore[method-assign]
        try:
            with pytest.raises(InvalidParameterError):
                client.create_token("qrvey", userid="u", appid="a")
            with pytest.raises(InvalidParameterError):
                client.create_token("qrvey", kind="admin")
        finally:
            del plugin.plan
        assert info.name == "qrvey"
        for request in captured:
            call = original(request)
            assert all(secret not in repr(call) for secret in (KEY, ADMIN["admin_access_key"], ADMIN["admin_username"]))
