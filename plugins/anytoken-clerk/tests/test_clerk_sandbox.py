"""The Clerk emulation over raw HTTP: auth, Clerk's error shape, validation, success shapes, JWTs, counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from anytoken_clerk import sandbox as cs

from anytoken.devkit.sandbox import Sandbox

SK = {"Authorization": f"Bearer {cs.INSTANCE_SECRET_KEY}"}
AK = {"Authorization": f"Bearer {cs.MACHINE_SECRET_KEY}"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def sandbox(clock: Clock) -> Iterator[Sandbox]:
    with Sandbox([cs.sandbox_provider()], seed=7, clock=clock) as sb:
        yield sb


@pytest.fixture(scope="module")
def _http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url("clerk")) as client:
        yield client


@pytest.fixture
def http(sandbox: Sandbox, _http: httpx.Client) -> httpx.Client:
    sandbox.reset()
    return _http


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"errors", "clerk_trace_id"}
    assert re.fullmatch(r"[0-9a-f]{32}", body["clerk_trace_id"])
    err: dict[str, Any] = body["errors"][0]
    assert len(body["errors"]) == 1
    assert {"message", "long_message", "code"} <= set(err)
    assert err["code"] == code, err
    return err


# -- auth ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/sessions/" + cs.SESSION_ID + "/tokens", "/actor_tokens", "/sign_in_tokens", "/testing_tokens"],
)
def test_instance_endpoints_need_the_instance_key(http: httpx.Client, path: str) -> None:
    _error(http.post(path, json={}), 401, "authentication_invalid")
    _error(http.post(path, json={}, headers={"Authorization": "Bearer sk_test_nope"}), 401, "clerk_key_invalid")
    _error(http.post(path, json={}, headers=AK), 401, "clerk_key_invalid")
    _error(http.post(path, json={}, headers={"Authorization": f"Basic {cs.INSTANCE_SECRET_KEY}"}), 401, "authentication_invalid")


def test_m2m_needs_the_machine_key(http: httpx.Client) -> None:
    _error(http.post("/m2m_tokens", json={}), 401, "authentication_invalid")
    err = _error(http.post("/m2m_tokens", json={}, headers=SK), 401, "authentication_invalid")
    assert "machine secret key" in err["long_message"]
    assert cs.INSTANCE_SECRET_KEY not in str(err)


# -- M2M -------------------------------------------------------------------------------------------------


def test_m2m_opaque_shape(http: httpx.Client, sandbox: Sandbox, clock: Clock) -> None:
    r = http.post("/m2m_tokens", json={"seconds_until_expiration": 90, "claims": {"a": 1}}, headers=AK)
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {*cs.M2M_TOKEN_FIELDS, "expired"} and "revocation_reason" in body and "last_used_at" in body
    assert body["object"] == "machine_to_machine_token"
    assert re.fullmatch(r"mt_[0-9a-f]{32}", body["id"])
    assert re.fullmatch(r"mch_\w{27}", body["subject"])
    assert body["token"].startswith("mt_") and body["token"] != body["id"]
    assert body["created_at"] == int(clock.now * 1000)
    assert body["expiration"] == body["created_at"] + 90_000
    assert body["claims"] == {"a": 1} and body["scopes"] == [] and body["revoked"] is False and body["expired"] is False
    assert sandbox.created("clerk", "createM2MToken") == 1


def test_m2m_default_lifetime_is_the_machines(http: httpx.Client) -> None:
    body = http.post("/m2m_tokens", json={}, headers=AK).json()
    assert body["expiration"] - body["created_at"] == cs.MACHINE_DEFAULT_TTL * 1000
    assert body["claims"] is None


def test_m2m_jwt_is_signed_with_realistic_claims(http: httpx.Client, sandbox: Sandbox, clock: Clock) -> None:
    body = http.post(
        "/m2m_tokens", json={"token_format": "jwt", "seconds_until_expiration": 60, "claims": {"role": "x", "sub": "forged"}}, headers=AK
    ).json()
    claims = sandbox.verify_jwt(body["token"])
    assert claims["sub"] == cs.MACHINE_ID == body["subject"]
    assert claims["jti"] == body["id"]
    assert claims["iat"] == int(clock.now) and claims["exp"] == int(clock.now) + 60
    assert claims["role"] == "x"


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ({"name": "legacy"}, "form_param_unknown", "name"),
        ({"token_format": "paseto"}, "form_param_value_invalid", "token_format"),
        ({"seconds_until_expiration": 0}, "form_param_value_invalid", "seconds_until_expiration"),
        ({"seconds_until_expiration": "60"}, "form_param_value_invalid", "seconds_until_expiration"),
        ({"min_remaining_ttl_seconds": -1}, "form_param_value_invalid", "min_remaining_ttl_seconds"),
        ({"min_remaining_ttl_seconds": 1.5}, "form_param_value_invalid", "min_remaining_ttl_seconds"),
        ({"seconds_until_expiration": 60, "min_remaining_ttl_seconds": 60}, "form_param_value_invalid", "min_remaining_ttl_seconds"),
        ({"min_remaining_ttl_seconds": cs.MACHINE_DEFAULT_TTL}, "form_param_value_invalid", "min_remaining_ttl_seconds"),
    ],
)
def test_m2m_validation(http: httpx.Client, sandbox: Sandbox, body: dict[str, Any], code: str, param: str) -> None:
    err = _error(http.post("/m2m_tokens", json=body, headers=AK), 400, code)
    assert err["meta"] == {"param_name": param}
    assert sandbox.created("clerk") == 0


def test_m2m_body_is_required(http: httpx.Client) -> None:
    _error(http.post("/m2m_tokens", headers=AK), 400, "request_body_missing")
    _error(http.post("/m2m_tokens", content=b"{nope", headers={**AK, "content-type": "application/json"}), 400, "malformed_request")
    _error(http.post("/m2m_tokens", json=[1], headers=AK), 400, "malformed_request")


def test_m2m_min_remaining_ttl_reuses_an_opaque_token(http: httpx.Client, sandbox: Sandbox, clock: Clock) -> None:
    ask = {"seconds_until_expiration": 300, "min_remaining_ttl_seconds": 120, "claims": {"k": "v"}}
    first = http.post("/m2m_tokens", json=ask, headers=AK).json()
    again = http.post("/m2m_tokens", json=ask, headers=AK).json()
    assert again["id"] == first["id"] and again["token"] == first["token"]
    other = http.post("/m2m_tokens", json={**ask, "claims": {"k": "w"}}, headers=AK).json()
    assert other["id"] != first["id"]
    jwt = http.post("/m2m_tokens", json={**ask, "token_format": "jwt"}, headers=AK).json()
    assert jwt["id"] != first["id"]  # JWT-format tokens are never deduplicated
    assert sandbox.created("clerk", "createM2MToken") == 3
    clock.now += 200  # 100 s left < 120
    try:
        later = http.post("/m2m_tokens", json=ask, headers=AK).json()
    finally:
        clock.now -= 200
    assert later["id"] != first["id"]
    assert sandbox.created("clerk", "createM2MToken") == 4


# -- sessions ----------------------------------------------------------------------------------------------


def test_session_token_is_a_60_second_jwt(http: httpx.Client, sandbox: Sandbox, clock: Clock) -> None:
    r = http.post(f"/sessions/{cs.SESSION_ID}/tokens", headers=SK)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"object", "jwt"} and body["object"] == "token"
    claims = sandbox.verify_jwt(body["jwt"])
    assert claims["sid"] == cs.SESSION_ID and claims["sub"] == cs.USER_ID and claims["iss"] == cs.FAPI_ISSUER
    assert claims["exp"] - claims["iat"] == 60 and claims["iat"] == int(clock.now)
    longer = sandbox.verify_jwt(http.post(f"/sessions/{cs.SESSION_ID}/tokens", json={"expires_in_seconds": 600}, headers=SK).json()["jwt"])
    assert longer["exp"] - longer["iat"] == 600
    assert sandbox.created("clerk") == 0


def test_session_template(http: httpx.Client, sandbox: Sandbox) -> None:
    body = http.post(f"/sessions/{cs.SESSION_ID}/tokens/{cs.TEMPLATE}", json={}, headers=SK).json()
    claims = sandbox.verify_jwt(body["jwt"])
    assert claims["aud"] == "authenticated" and claims["role"] == "authenticated" and claims["sub"] == cs.USER_ID
    assert isinstance(claims["jti"], str)


def test_session_not_found_and_validation(http: httpx.Client) -> None:
    _error(http.post("/sessions/sess_nope/tokens", headers=SK), 404, "resource_not_found")
    _error(http.post(f"/sessions/{cs.SESSION_ID}/tokens/nope", headers=SK), 404, "resource_not_found")
    _error(http.post(f"/sessions/{cs.SESSION_ID}/tokens", json={"expires_in_seconds": 29}, headers=SK), 422, "form_param_value_invalid")


# -- actor and sign-in tokens -----------------------------------------------------------------------------


def test_actor_token(http: httpx.Client, sandbox: Sandbox, clock: Clock) -> None:
    r = http.post("/actor_tokens", json={"user_id": cs.USER_ID, "actor": {"sub": cs.ACTOR_USER_ID}}, headers=SK)
    assert r.status_code == 200
    body = r.json()
    assert body["object"] == "actor_token" and body["status"] == "pending" and body["user_id"] == cs.USER_ID
    assert re.fullmatch(r"act_\w{27}", body["id"])
    assert body["actor"] == {"sub": cs.ACTOR_USER_ID}
    assert body["url"].endswith("ticket=" + body["token"])
    claims = sandbox.verify_jwt(body["token"])
    assert claims["exp"] == int(clock.now) + cs.ACTOR_DEFAULT_TTL and claims["act"] == {"sub": cs.ACTOR_USER_ID}
    assert body["created_at"] == int(clock.now * 1000)
    assert sandbox.created("clerk", "CreateActorToken") == 1


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ({"actor": {"sub": "x"}}, "form_param_missing", "user_id"),
        ({"user_id": cs.USER_ID}, "form_param_missing", "actor"),
        ({"user_id": cs.USER_ID, "actor": {"name": "support"}}, "form_param_missing", "actor.sub"),
        ({"user_id": cs.USER_ID, "actor": "x"}, "form_param_value_invalid", "actor"),
        ({"user_id": cs.USER_ID, "actor": {"sub": "x"}, "extra": 1}, "form_param_unknown", "extra"),
        ({"user_id": cs.USER_ID, "actor": {"sub": "x"}, "expires_in_seconds": 0}, "form_param_value_invalid", "expires_in_seconds"),
        ({"user_id": "user_nope", "actor": {"sub": "x"}}, "form_param_value_invalid", "user_id"),
    ],
)
def test_actor_validation(http: httpx.Client, sandbox: Sandbox, body: dict[str, Any], code: str, param: str) -> None:
    err = _error(http.post("/actor_tokens", json=body, headers=SK), 422, code)
    assert err["meta"] == {"param_name": param}
    assert sandbox.created("clerk") == 0


def test_sign_in_token(http: httpx.Client, sandbox: Sandbox, clock: Clock) -> None:
    body = http.post("/sign_in_tokens", json={"user_id": cs.USER_ID, "org_id": cs.ORG_ID}, headers=SK).json()
    assert body["object"] == "sign_in_token" and body["status"] == "pending"
    assert re.fullmatch(r"sit_\w{27}", body["id"])
    claims = sandbox.verify_jwt(body["token"])
    assert claims["exp"] == int(clock.now) + cs.SIGN_IN_DEFAULT_TTL and claims["oid"] == cs.ORG_ID
    null_ttl = sandbox.verify_jwt(
        http.post("/sign_in_tokens", json={"user_id": cs.USER_ID, "expires_in_seconds": None}, headers=SK).json()["token"]
    )
    assert null_ttl["exp"] == int(clock.now) + cs.SIGN_IN_DEFAULT_TTL
    assert sandbox.created("clerk", "CreateSignInToken") == 2


def test_sign_in_errors(http: httpx.Client, sandbox: Sandbox) -> None:
    _error(http.post("/sign_in_tokens", json={}, headers=SK), 422, "form_param_missing")
    _error(http.post("/sign_in_tokens", json={"user_id": cs.USER_ID, "expires_in_seconds": 0}, headers=SK), 422, "form_param_value_invalid")
    _error(http.post("/sign_in_tokens", json={"user_id": "user_nope"}, headers=SK), 404, "resource_not_found")
    _error(http.post("/sign_in_tokens", json={"user_id": cs.USER_ID, "org_id": "org_nope"}, headers=SK), 404, "resource_not_found")
    _error(
        http.post("/sign_in_tokens", json={"user_id": cs.USER_ID, "org_id": cs.OTHER_ORG_ID}, headers=SK), 422, "form_param_value_invalid"
    )
    assert sandbox.created("clerk") == 0


# -- testing tokens ---------------------------------------------------------------------------------------


def test_testing_token(http: httpx.Client, sandbox: Sandbox, clock: Clock) -> None:
    r = http.post("/testing_tokens", headers=SK)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"object", "token", "expires_at"} and body["object"] == "testing_token"
    assert body["expires_at"] == int(clock.now) + 3600  # Unix seconds
    assert re.fullmatch(rf"{int(clock.now)}-c_\w{{27}}", body["token"])
    assert sandbox.created("clerk") == 0


def test_seeded_runs_are_deterministic(clock: Clock) -> None:
    def ids() -> list[str]:
        with Sandbox([cs.sandbox_provider()], seed=3, clock=clock) as sb, httpx.Client(base_url=sb.base_url("clerk")) as c:
            return [c.post("/m2m_tokens", json={}, headers=AK).json()["id"], c.post("/testing_tokens", headers=SK).json()["token"]]

    assert ids() == ids()
