"""The Unleash plugin end to end against the sandbox: parameters, endpoints, tokens, errors, the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from anytoken_unleash import sandbox as unleash_sandbox
from anytoken_unleash.plugin import PAT_DEFAULT_LIFETIME, plugin

from anytoken.devkit.sandbox import Fault, Sandbox
from anytoken.devkit.testing import assert_no_secret
from anytoken.errors import (
    AmbiguousMintError,
    AuthenticationError,
    InvalidParameterError,
    NotFoundError,
    ProviderRejectedError,
    UnknownKindError,
)

HEX56 = "[0-9a-f]{56}"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox([unleash_sandbox.sandbox_provider()]) as sandbox:
        yield sandbox


@pytest.fixture
def client(sb: Sandbox) -> Iterator[Any]:
    sb.reset()
    with sb.client(env={}) as c:
        yield c


def test_declaration() -> None:
    info = plugin.declare()
    info.check()
    assert [k.name for k in info.kinds] == ["backend", "frontend", "personal"]
    assert info.base_urls == () and info.base_url_env == "UNLEASH_URL" and info.base_url_example == "http://localhost:4242"
    assert info.credential("api_token").env == ("UNLEASH_API_TOKEN",)
    for kind in info.kinds:
        assert (kind.reusable, kind.persistent, kind.idempotent) == (True, True, False)
        assert kind.credentials == ("api_token",)
    assert {p.name for p in info.kind("backend").params} == {"token_name", "environment", "projects", "project", "expires_at"}
    assert {p.name for p in info.kind("personal").params} == {"description", "expires_at"}


def test_backend_defaults(client: Any, sb: Sandbox) -> None:
    token = client.create_token("unleash")
    assert token.kind == "backend"
    assert re.fullmatch(rf"\*:development\.{HEX56}", token.value)
    assert token.expires_at is None and token.id is None
    assert token.metadata["type"] == "backend"
    assert token.metadata["environment"] == "development"
    assert token.metadata["projects"] == ["*"]
    assert re.fullmatch(r"anytoken-backend-\d{8}T\d{6}Z-[0-9a-f]{6}", token.metadata["tokenName"])
    assert token.value not in repr(token) and token.value not in str(token.metadata)
    assert sb.created("unleash", "createApiToken") == 1


def test_frontend_with_projects_and_expiry(client: Any) -> None:
    token = client.create_token(
        "unleash",
        kind="frontend",
        token_name="web",
        environment="production",
        projects="default,mobile",
        expires_at="2031-05-01T10:00:00+02:00",
    )
    assert re.fullmatch(rf"\[\]:production\.{HEX56}", token.value)
    assert token.expires_at == datetime(2031, 5, 1, 8, 0, tzinfo=UTC)
    assert token.metadata == {"tokenName": "web", "type": "frontend", "environment": "production", "projects": ["default", "mobile"]}


def test_single_project_in_projects_uses_the_global_endpoint(client: Any, sb: Sandbox) -> None:
    token = client.create_token("unleash", projects=["mobile"])
    assert token.value.startswith("mobile:development.")
    assert sb.requests("unleash", "createProjectApiToken") == 0


def test_project_uses_the_project_scoped_endpoint(client: Any, sb: Sandbox) -> None:
    token = client.create_token("unleash", kind="frontend", project="default", environment="production")
    assert re.fullmatch(rf"default:production\.{HEX56}", token.value)
    assert token.metadata["projects"] == ["default"] and token.metadata["project"] == "default"
    assert sb.requests("unleash", "createProjectApiToken") == 1 and sb.requests("unleash", "createApiToken") == 0


def test_unknown_project_is_not_found_naming_it(client: Any) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.create_token("unleash", project="no-such-project")
    assert caught.value.status == 404
    assert "'no-such-project'" in str(caught.value)


def test_unknown_project_in_projects_is_rejected(client: Any) -> None:
    with pytest.raises(ProviderRejectedError, match="Project=nope does not exist"):
        client.create_token("unleash", projects=["default", "nope"])


def test_unknown_environment_is_rejected(client: Any) -> None:
    with pytest.raises(ProviderRejectedError, match="Environment=staging does not exist") as caught:
        client.create_token("unleash", environment="staging")
    assert caught.value.status == 400


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"project": "default", "projects": ["default"]}, ("project",)),
        ({"projects": ""}, ("projects",)),
        ({"projects": []}, ("projects",)),
        ({"token_name": " "}, ("token_name",)),
        ({"token_name": ""}, ("token_name",)),
        ({"environment": ""}, ("environment",)),
        ({"project": ""}, ("project",)),
        ({"expires_at": "soon"}, ("expires_at",)),
        ({"projects": 3}, ("projects",)),
        ({"tokenName": "x"}, ("tokenName",)),
    ],
)
def test_bad_parameters_name_the_field(client: Any, sb: Sandbox, params: dict[str, Any], fields: tuple[str, ...]) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        client.create_token("unleash", **params)
    assert caught.value.fields == fields
    assert sb.requests("unleash") == 0, "rejected before any request"


def test_admin_type_is_a_usage_error(client: Any) -> None:
    with pytest.raises(UnknownKindError, match="backend, frontend, personal"):
        client.create_token("unleash", kind="admin")
    with pytest.raises(InvalidParameterError) as caught:
        client.create_token("unleash", type="admin")
    assert caught.value.fields == ("type",)


def test_personal_access_token(client: Any) -> None:
    before = datetime.now(UTC)
    token = client.create_token("unleash", kind="personal")
    assert re.fullmatch(rf"user:{HEX56}", token.value)
    assert token.id is not None and token.id.isdigit() and int(token.id) >= 2
    assert token.expires_at is not None
    assert abs(token.expires_at - (before + PAT_DEFAULT_LIFETIME)) < timedelta(seconds=5)
    assert token.metadata["userId"] == 1
    assert token.metadata["description"].startswith("anytoken-personal-")


def test_personal_with_description_and_expiry(client: Any) -> None:
    token = client.create_token("unleash", kind="personal", description="laptop", expires_at="2031-01-01T00:00:00Z")
    assert token.expires_at == datetime(2031, 1, 1, tzinfo=UTC)
    assert token.metadata["description"] == "laptop"
    with pytest.raises(ProviderRejectedError, match="PAT description already exists") as caught:
        client.create_token("unleash", kind="personal", description="laptop", expires_at="2031-01-01T00:00:00Z")
    assert caught.value.status == 409


def test_personal_in_the_past_is_rejected(client: Any) -> None:
    with pytest.raises(ProviderRejectedError, match="expiry date should be in future"):
        client.create_token("unleash", kind="personal", expires_at="2001-01-01T00:00:00Z")


def test_personal_with_an_admin_api_token_says_a_pat_is_needed(client: Any) -> None:
    with pytest.raises(AuthenticationError) as caught:
        client.create_token("unleash", kind="personal", credentials=unleash_sandbox.ADMIN_API_TOKEN)
    message = str(caught.value)
    assert caught.value.status == 403
    assert "personal access token" in message and "PATs require an authenticated user" in message
    assert_no_secret(caught.value, unleash_sandbox.ADMIN_API_TOKEN, unleash_sandbox.PAT)


def test_admin_api_token_mints_api_tokens(client: Any) -> None:
    token = client.create_token("unleash", kind="frontend", credentials=unleash_sandbox.ADMIN_API_TOKEN)
    assert token.value.startswith("*:development.")


def test_a_backend_token_cannot_mint(client: Any) -> None:
    backend = client.create_token("unleash").value
    with pytest.raises(AuthenticationError) as caught:
        client.create_token("unleash", credentials=backend)
    assert caught.value.status == 403
    assert "admin API token" in str(caught.value)
    assert_no_secret(caught.value, backend, unleash_sandbox.PAT)


def test_wrong_and_expired_credentials_are_401(client: Any, sb: Sandbox) -> None:
    with pytest.raises(AuthenticationError) as caught:
        client.create_token("unleash", credentials="user:" + "0" * 56)
    assert caught.value.status == 401
    expired = "user:" + "e" * 56
    state = sb.state("unleash")
    with state.lock:
        state.store["pats"][expired] = {**state.store["pats"][unleash_sandbox.PAT], "id": 99, "expiresAt": "2001-01-01T00:00:00.000Z"}
    with pytest.raises(AuthenticationError) as caught:
        client.create_token("unleash", credentials=expired)
    assert caught.value.status == 401
    assert_no_secret(caught.value, expired)


def test_sdk_style_base_url_is_refused_with_advice(client: Any, sb: Sandbox) -> None:
    with pytest.raises(InvalidParameterError, match=r"server root .*not the SDK API URL") as caught:
        client.create_token("unleash", base_url=sb.base_url("unleash") + "/api/")
    assert caught.value.fields == ("base_url",)


def test_minted_tokens_work_on_the_sdk_endpoints(client: Any, sb: Sandbox) -> None:
    backend = client.create_token("unleash", environment="production", projects=["default"]).value
    frontend = client.create_token("unleash", kind="frontend").value
    with httpx.Client(base_url=sb.base_url("unleash")) as http:
        features = http.get("/api/client/features", headers={"Authorization": backend})
        assert features.status_code == 200
        assert features.json()["query"] == {"project": ["default"], "environment": "production", "inlineSegmentConstraints": True}
        assert http.get("/api/frontend", headers={"Authorization": frontend}).json() == {"toggles": []}
        assert http.get("/api/frontend", headers={"Authorization": backend}).status_code == 403
        assert http.get("/api/client/features", headers={"Authorization": frontend}).status_code == 403


def test_an_ambiguous_failure_is_not_retried(client: Any, sb: Sandbox) -> None:
    sb.inject("unleash", "createApiToken", Fault.http_status(502), times=1)
    with pytest.raises(AmbiguousMintError):
        client.create_token("unleash")
    assert sb.requests("unleash", "createApiToken") == 1, "a persistent kind is never sent twice"


def test_cli_create(sb: Sandbox) -> None:
    sb.reset()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("UNLEASH_")},
        "UNLEASH_URL": sb.base_url("unleash"),
        "UNLEASH_API_TOKEN": unleash_sandbox.PAT,
    }
    argv = [
        sys.executable,
        "-m",
        "anytoken",
        "create",
        "unleash",
        "--type",
        "backend",
        "--environment",
        "production",
        "--projects",
        "default",
    ]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(rf"default:production\.{HEX56}", out.stdout.strip())
    bad = subprocess.run([*argv[:5], "--type", "backend", "--project", "nope"], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 1 and "'nope'" in bad.stderr and unleash_sandbox.PAT not in bad.stderr
