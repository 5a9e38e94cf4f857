"""The Quadrata plugin against its sandbox emulation: environments, the request, the token, the errors.

The requests and answers against the spec are checked in ``test_quadrata_spec.py``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from anytoken_quadrata.plugin import PRODUCTION_URL, SANDBOX_URL, plugin
from anytoken_quadrata.sandbox import ORGANIZATION_ID, SANDBOX_API_KEY, TOKEN_LIFETIME

import anytoken
from anytoken import Client
from anytoken.devkit.fixtures import jwt_part, sandbox_fixtures
from anytoken.devkit.sandbox import Fault, Sandbox
from anytoken.devkit.spec_testing import RecordingTransport
from anytoken.devkit.testing import assert_no_secret
from anytoken.errors import AuthenticationError, InvalidParameterError, MalformedResponseError, MissingCredentialError
from anytoken.retry import RetryPolicy

OP = "createAccessToken"
NO_RETRY = RetryPolicy(max_attempts=1)


plugin_sandbox, sb, client = sandbox_fixtures(plugin.sandbox, seed=5)


def _login(sb: Sandbox, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{sb.base_url('quadrata')}/login", **kwargs)


# -- declaration and environments -------------------------------------------------------------------


def test_declaration() -> None:
    info = plugin.declare()
    info.check()
    assert info.name == "quadrata" and info.default_kind == "access"
    assert info.base_urls == (("production", PRODUCTION_URL), ("sandbox", SANDBOX_URL))
    assert info.env_param == "environment" and info.base_url_env == "QUADRATA_BASE_URL"
    assert info.credential("api_key").env == ("QUADRATA_API_KEY",)
    kind = info.kind("access")
    assert (kind.reusable, kind.persistent, kind.idempotent) == (True, False, True)
    param = kind.param("environment")
    assert param is not None and param.default == "production" and param.choices == ("production", "sandbox")


def test_environment_selects_the_base_url() -> None:
    creds = {"quadrata": {"api_key": "k" * 20}}
    with Client(env={}, credentials=creds) as client:
        assert client.prepare("quadrata").base_url == PRODUCTION_URL
        assert client.prepare("quadrata", params={"environment": "production"}).base_url == PRODUCTION_URL
        sandbox = client.prepare("quadrata", params={"environment": "sandbox"})
        assert sandbox.base_url == SANDBOX_URL and sandbox.environment == "sandbox"
        assert client.prepare("quadrata", base_url="https://qa.example.com/api/v1").base_url == "https://qa.example.com/api/v1"
        with pytest.raises(InvalidParameterError) as caught:
            client.prepare("quadrata", params={"environment": "staging"})
        assert caught.value.fields == ("environment",)
    with Client(env={"QUADRATA_BASE_URL": "https://proxy.example.com/q/v1"}, credentials=creds) as client:
        assert client.prepare("quadrata", params={"environment": "sandbox"}).base_url == "https://proxy.example.com/q/v1"


# -- minting ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("environment", ["production", "sandbox"])
def test_mints_a_60_minute_jwt(client: Client, sb: Sandbox, environment: str) -> None:
    token = client.create_token("quadrata", environment=environment)
    claims = sb.verify_jwt(token.value)
    assert jwt_part(token.value, 0)["alg"] == "HS256"
    assert claims["exp"] - claims["iat"] == TOKEN_LIFETIME and claims["sub"] == ORGANIZATION_ID and claims["type"] == "login"
    assert token.expires_at is not None and int(token.expires_at.timestamp()) == claims["exp"]
    assert token.lifetime is not None and token.lifetime.total_seconds() == TOKEN_LIFETIME
    assert token.id == claims["jti"]
    assert token.metadata == {"environment": environment, "type": "login"}
    assert token.raw.data.access_token == token.value
    assert token.value not in repr(token) and SANDBOX_API_KEY not in repr(token)


def test_sends_the_key_in_the_body_and_no_auth_header(sb: Sandbox) -> None:
    recorder = RecordingTransport()
    with sb.client(env={}, transport=recorder) as client:
        client.create_token("quadrata")
    ((request, response),) = recorder.exchanges
    assert request.method == "POST" and request.url.path == "/quadrata/api/v1/login"
    assert "authorization" not in request.headers
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"apiKey": SANDBOX_API_KEY}
    assert response.status_code == 200


def test_async_mints(sb: Sandbox) -> None:
    async def run() -> anytoken.Token:
        async with sb.client(env={}) as client:
            token: anytoken.Token = await client.acreate_token("quadrata", environment="sandbox")
            return token

    token = asyncio.run(run())
    assert sb.verify_jwt(token.value)["type"] == "login" and token.metadata["environment"] == "sandbox"


def test_env_vars_give_key_and_base_url(sb: Sandbox) -> None:
    env = {"QUADRATA_API_KEY": SANDBOX_API_KEY, "QUADRATA_BASE_URL": sb.base_url("quadrata")}
    with Client(env=env) as client:
        assert client.create_token("quadrata").kind == "access"


def test_a_retry_after_a_5xx_mints(sb: Sandbox) -> None:
    sb.inject("quadrata", OP, Fault.http_status(502), times=1)
    with sb.client(env={}, retry=RetryPolicy(max_attempts=2, backoff=0)) as client:
        assert client.create_token("quadrata").value
    assert sb.requests("quadrata", OP) == 2


# -- failures ---------------------------------------------------------------------------------------


def test_wrong_key_is_an_authentication_error_without_the_key(sb: Sandbox) -> None:
    wrong = "qd_wrong_0123456789abcdef0123456789"
    with sb.client(env={}, credentials={"quadrata": {"api_key": wrong}}) as client, pytest.raises(AuthenticationError) as caught:
        client.create_token("quadrata", environment="sandbox")
    assert caught.value.status == 401 and "Invalid API key" in str(caught.value)
    assert_no_secret(caught.value, wrong, SANDBOX_API_KEY)


def test_missing_key_names_the_env_var(sb: Sandbox) -> None:
    with Client(env={}, base_urls={"quadrata": sb.base_url("quadrata")}) as client, pytest.raises(MissingCredentialError) as caught:
        client.create_token("quadrata")
    assert "QUADRATA_API_KEY" in str(caught.value)
    assert sb.requests("quadrata") == 0


def test_a_success_without_the_token_is_malformed(client: Client, sb: Sandbox) -> None:
    sb.inject("quadrata", OP, Fault.missing_token(), times=1)
    with pytest.raises(MalformedResponseError) as caught:
        client.create_token("quadrata")
    assert "accessToken" in str(caught.value) or "shape" in str(caught.value)
    sb.inject("quadrata", OP, Fault.missing_token(transform=lambda _: {"data": {"accessToken": "", "type": "login"}}), times=1)
    with pytest.raises(MalformedResponseError):
        client.create_token("quadrata")


# -- the emulation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"json": {"apiKey": SANDBOX_API_KEY}}, 200, None),
        ({"json": {"apiKey": "nope"}}, 401, "Invalid API key"),
        ({"json": {}}, 400, "apiKey must be a non-empty string"),
        ({"json": {"apiKey": 42}}, 400, "apiKey must be a non-empty string"),
        ({"json": {"apiKey": ""}}, 400, "apiKey must be a non-empty string"),
        ({"json": [SANDBOX_API_KEY]}, 400, "apiKey must be a non-empty string"),
        ({"content": b"{apiKey", "headers": {"content-type": "application/json"}}, 400, "Unexpected token in JSON body"),
        ({"content": b"apiKey=" + SANDBOX_API_KEY.encode(), "headers": {"content-type": "text/plain"}}, 400, "apiKey"),
    ],
)
def test_login_answers(sb: Sandbox, kwargs: dict[str, Any], status: int, message: str | None) -> None:
    answer = _login(sb, **kwargs)
    assert answer.status_code == status and answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    if message is None:
        assert set(body) == {"data"} and body["data"]["type"] == "login" and body["data"]["accessToken"].count(".") == 2
    else:
        assert body["statusCode"] == status and message in body["message"]
        assert body["error"] == {400: "Bad Request", 401: "Unauthorized"}[status]


def test_the_sandbox_ignores_an_auth_header(sb: Sandbox) -> None:
    answer = _login(sb, json={"apiKey": SANDBOX_API_KEY}, headers={"Authorization": "Bearer whatever"})
    assert answer.status_code == 200


def test_the_same_seed_signs_the_same_claims() -> None:
    def claims() -> dict[str, Any]:
        with Sandbox(providers=list(plugin.sandbox()), seed=99, clock=lambda: 1_800_000_000.0) as sb:
            return jwt_part(_login(sb, json={"apiKey": SANDBOX_API_KEY}).json()["data"]["accessToken"], 1)

    first, second = claims(), claims()
    assert first == second and first["iat"] == 1_800_000_000 and first["exp"] == 1_800_003_600
