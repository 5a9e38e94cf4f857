"""Unit tests of the Qrvey emulation's handlers (no HTTP: a ProviderState and hand-made requests)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from anytoken_qrvey import sandbox as qs

from anytoken.devkit.sandbox import ProviderState, SandboxRequest, SandboxResponse

NOW = 1_800_000_000.0


@pytest.fixture
def state() -> ProviderState:
    return ProviderState("qrvey", qs.qrvey_sandbox().credentials, clock=lambda: NOW, seed=1)


def _request(path: str, body: Any, headers: dict[str, str] | None = None, raw: bytes | None = None) -> SandboxRequest:
    data = raw if raw is not None else json.dumps(body).encode()
    return SandboxRequest("POST", path, {}, {}, {"content-type": "application/json", **(headers or {})}, data)


def _widget(state: ProviderState, body: Any, key: str | None = qs.API_KEY, raw: bytes | None = None) -> SandboxResponse:
    headers = {"x-api-key": key} if key is not None else {}
    return qs.generate_widget_token(_request("/devapi/v4/core/login/token", body, headers, raw), state)


def _admin(state: ProviderState, body: Any, raw: bytes | None = None) -> SandboxResponse:
    return qs.admin_login(_request("/admin/api/v5/login", body, raw=raw), state)


def _body(response: SandboxResponse) -> Any:
    assert dict(response.headers)["content-type"].startswith("application/json")
    return json.loads(response.body)


def test_widget_token_carries_the_configuration_and_defaults_to_one_hour(state: ProviderState) -> None:
    body = {"userid": "u1", "appid": "a1", "clientid": "c1", "orgId": "o1", "permissions": [{"dataset_id": "*"}]}
    response = _widget(state, body)
    assert response.status == 200
    payload = _body(response)
    assert list(payload) == ["token"]
    claims = state.verify_jwt(payload["token"])
    assert claims == {**body, "iat": int(NOW), "exp": int(NOW) + 3600}


@pytest.mark.parametrize(
    ("expires_in", "seconds"), [("60m", 3600), ("12h", 43200), ("1d", 86400), ("1w", 604800), ("90s", 90), ("2 days", 172800)]
)
def test_widget_expires_in_sets_exp(state: ProviderState, expires_in: str, seconds: int) -> None:
    claims = state.verify_jwt(_body(_widget(state, {"userid": "u", "appid": "a", "expiresIn": expires_in}))["token"])
    assert claims["exp"] - claims["iat"] == seconds
    assert "expiresIn" not in claims


@pytest.mark.parametrize("key", [None, "", "wrong-key"])
def test_widget_wrong_or_missing_key_is_401(state: ProviderState, key: str | None) -> None:
    response = _widget(state, {"userid": "u", "appid": "a"}, key=key)
    assert (response.status, _body(response)) == (401, {"message": "Unauthorized"})


def test_widget_key_is_checked_before_the_body(state: ProviderState) -> None:
    assert _widget(state, {}, key="wrong").status == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"appid": "a"}, "userid"),
        ({"userid": "u"}, "appid"),
        ({"userid": "", "appid": "a"}, "userid"),
        ({"userid": 7, "appid": "a"}, "userid"),
        ({"userid": "u", "appid": "a", "clientid": 3}, "clientid"),
        ({"userid": "u", "appid": "a", "expiresIn": "3600"}, "expiresIn"),
        ({"userid": "u", "appid": "a", "expiresIn": "soon"}, "expiresIn"),
        ({"userid": "u", "appid": "a", "expiresIn": 3600}, "expiresIn"),
    ],
)
def test_widget_bad_body_is_400_naming_the_field(state: ProviderState, body: dict[str, Any], field: str) -> None:
    response = _widget(state, body)
    payload = _body(response)
    assert response.status == 400
    assert f'"{field}"' in payload["message"]
    assert payload["errors"][0]["field"] == field


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b""])
def test_widget_non_object_body_is_400(state: ProviderState, raw: bytes) -> None:
    assert _widget(state, None, raw=raw).status == 400


def test_admin_login_returns_a_24h_jwt(state: ProviderState) -> None:
    response = _admin(state, {"username": qs.ADMIN_USERNAME, "accessKey": qs.ADMIN_ACCESS_KEY})
    payload = _body(response)
    assert response.status == 200 and payload["status"] is True
    claims = state.verify_jwt(payload["token"])
    assert claims["exp"] - claims["iat"] == qs.ADMIN_TOKEN_SECONDS


@pytest.mark.parametrize(
    "body", [{"username": qs.ADMIN_USERNAME, "accessKey": "wrong"}, {"username": "someone", "accessKey": qs.ADMIN_ACCESS_KEY}]
)
def test_admin_wrong_credentials_are_401(state: ProviderState, body: dict[str, str]) -> None:
    response = _admin(state, body)
    payload = _body(response)
    assert response.status == 401 and payload["status"] is False and payload["message"]
    assert qs.ADMIN_ACCESS_KEY not in response.body.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"accessKey": "x"}, "username"), ({"username": "x"}, "accessKey"), ({"username": "x", "accessKey": 5}, "accessKey")],
)
def test_admin_missing_fields_are_400(state: ProviderState, body: dict[str, Any], field: str) -> None:
    response = _admin(state, body)
    assert response.status == 400 and field in _body(response)["message"]


def test_sandbox_declaration() -> None:
    provider = qs.qrvey_sandbox()
    assert provider.base_path == "/qrvey"
    assert {r.operation_id for r in provider.routes} == {"generateWidgetSecurityToken", "adminCenterLogin"}
    assert not any(r.creates for r in provider.routes), "Qrvey tokens are not persistent resources"
    assert set(provider.examples) == {"widget", "admin"}
