"""The Unleash emulation over raw HTTP: the exact shapes a real 8.2.0 server gives (see the module docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from anytoken_unleash.sandbox import ADMIN_API_TOKEN, PAT, sandbox_provider

from anytoken.devkit.sandbox import Sandbox

HEX56 = "[0-9a-f]{56}"
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
ADMIN = {"Authorization": ADMIN_API_TOKEN}


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox([sandbox_provider()], seed=7) as sandbox:
        yield sandbox


@pytest.fixture
def http(sb: Sandbox) -> Iterator[httpx.Client]:
    sb.reset()
    with httpx.Client(base_url=sb.base_url("unleash")) as client:
        yield client


def _mint(http: httpx.Client, **body: object) -> httpx.Response:
    return http.post("/api/admin/api-tokens", json={"tokenName": "t", "type": "backend", **body}, headers=ADMIN)


def test_created_api_token_shape(http: httpx.Client) -> None:
    r = _mint(http, environment="development", projects=["*"])
    assert r.status_code == 201
    assert r.headers["location"] == "api-tokens"
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    body = r.json()
    assert list(body) == ["tokenName", "environment", "projects", "secret", "type", "alias", "project", "createdAt", "secure"]
    assert re.fullmatch(rf"\*:development\.{HEX56}", body["secret"])
    assert (body["type"], body["alias"], body["project"], body["secure"]) == ("backend", None, "*", False)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["createdAt"])


@pytest.mark.parametrize(
    ("body", "prefix"),
    [
        ({"projects": ["default"]}, "default:development."),
        ({"projects": ["default", "mobile"], "environment": "production"}, "[]:production."),
        ({"project": "mobile"}, "*:development."),  # 8.x ignores the singular field
        ({"type": "CLIENT"}, "*:development."),
    ],
)
def test_secret_formats(http: httpx.Client, body: dict[str, object], prefix: str) -> None:
    r = _mint(http, **body)
    assert r.status_code == 201, r.text
    assert r.json()["secret"].startswith(prefix) and re.fullmatch(HEX56, r.json()["secret"].split(".", 1)[1])


def test_expires_at_is_normalised_and_type_lowercased(http: httpx.Client) -> None:
    body = _mint(http, type="Frontend", expiresAt="2031-05-01T10:00:00+02:00").json()
    assert body["expiresAt"] == "2031-05-01T08:00:00.000Z" and body["type"] == "frontend"


def test_bearer_prefix_is_accepted(http: httpx.Client) -> None:
    r = http.post("/api/admin/api-tokens", json={"tokenName": "t", "type": "backend"}, headers={"Authorization": f"Bearer {PAT}"})
    assert r.status_code == 201


def test_no_auth_is_authentication_required(http: httpx.Client) -> None:
    r = http.post("/api/admin/api-tokens", json={"tokenName": "t", "type": "backend"})
    assert r.status_code == 401
    body = r.json()
    assert re.fullmatch(UUID, body.pop("id"))
    assert body["name"] == "AuthenticationRequired" and body["path"] == "/auth/simple/login"
    assert (body["type"], body["defaultHidden"]) == ("password", False)


def test_wrong_token_is_unauthorized(http: httpx.Client) -> None:
    r = http.post("/api/admin/user/tokens", json={}, headers={"Authorization": "user:nope"})
    assert r.status_code == 401
    assert r.json()["name"] == "UnauthorizedError" and r.json()["message"] == "You must log in to use Unleash."


def test_admin_type_is_rejected_like_8x(http: httpx.Client) -> None:
    r = _mint(http, type="admin")
    assert r.status_code == 400
    body = r.json()
    assert body["name"] == "BadDataError" and re.fullmatch(UUID, body["id"])
    assert [d.get("path") for d in body["details"]] == ["/body/type", "/body"]
    assert 'You sent "admin".' in body["details"][0]["message"]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"tokenName": ""}, '"tokenName" is not allowed to be empty.'),
        ({"projects": []}, '"projects" must contain at least 1 items. You provided [].'),
        ({"environment": "staging", "projects": ["nope"]}, "Environment=staging does not exist"),
        ({"projects": ["default", "nope"]}, "Project=nope does not exist"),
    ],
)
def test_semantic_errors_have_no_id(http: httpx.Client, body: dict[str, object], detail: str) -> None:
    r = _mint(http, **body)
    assert r.status_code == 400
    assert "id" not in r.json() and r.json()["details"] == [{"message": detail}]


def test_schema_errors(http: httpx.Client) -> None:
    r = http.post("/api/admin/api-tokens", json={"type": "backend", "projects": "default"}, headers=ADMIN)
    paths = [d.get("path") for d in r.json()["details"]]
    assert r.status_code == 400 and paths == ["/body/tokenName", "/body"], "AJV stops at the first problem"
    r = http.post("/api/admin/api-tokens", json=[], headers=ADMIN)
    assert r.json()["details"] == [{"message": "The `/body` property must be object. You sent [].", "path": "/body"}]
    r = http.post("/api/admin/api-tokens", content=b"not json", headers={**ADMIN, "content-type": "application/json"})
    assert r.status_code == 400 and list(r.json()) == ["message"]
    r = http.post("/api/admin/api-tokens", content=b"x", headers={**ADMIN, "content-type": "text/plain"})
    assert r.status_code == 415 and r.json()["name"] == "ContentTypeError"


def test_wrong_token_types(http: httpx.Client) -> None:
    backend = _mint(http).json()["secret"]
    r = http.post("/api/admin/api-tokens", json={"tokenName": "x", "type": "backend"}, headers={"Authorization": backend})
    assert r.status_code == 403 and r.json() == {"message": "invalid token: expected a different token type for this endpoint"}
    r = http.post("/api/admin/user/tokens", json={"description": "d", "expiresAt": "2031-01-01T00:00:00Z"}, headers=ADMIN)
    assert r.status_code == 403
    assert r.json() == {
        "name": "ForbiddenError",
        "message": "PATs require an authenticated user.",
        "details": [{"message": "PATs require an authenticated user."}],
    }


def test_project_scoped_endpoint(http: httpx.Client) -> None:
    r = http.post(
        "/api/admin/projects/mobile/api-tokens", json={"tokenName": "p", "type": "frontend", "environment": "production"}, headers=ADMIN
    )
    assert r.status_code == 201 and r.headers["location"] == "api-tokens"
    assert r.json()["projects"] == ["mobile"] and r.json()["secret"].startswith("mobile:production.")
    r = http.post("/api/admin/projects/nope/api-tokens", json={"tokenName": "p", "type": "backend"}, headers=ADMIN)
    assert r.status_code == 404
    assert r.json() == {"name": "NotFoundError", "message": "No project found", "details": [{"message": "No project found"}]}
    r = http.post("/api/admin/projects/nope/api-tokens", json={"tokenName": "p", "type": "admin"}, headers=ADMIN)
    assert r.status_code == 400, "the body is validated before the project is looked up"


def test_personal_access_tokens(http: httpx.Client, sb: Sandbox) -> None:
    pat = {"Authorization": PAT}
    r = http.post("/api/admin/user/tokens", json={"description": "d", "expiresAt": "2031-01-01T00:00:00Z"}, headers=pat)
    assert r.status_code == 201 and "location" not in r.headers
    body = r.json()
    assert list(body) == ["id", "description", "expiresAt", "userId", "createdAt", "seenAt", "secret"]
    assert body["id"] == 2 and body["userId"] == 1 and body["seenAt"] is None
    assert re.fullmatch(rf"user:{HEX56}", body["secret"])
    again = http.post("/api/admin/user/tokens", json={"description": "d", "expiresAt": "2031-01-01T00:00:00Z"}, headers=pat)
    assert again.status_code == 409 and again.json()["name"] == "NameExistsError"
    past = http.post("/api/admin/user/tokens", json={"description": "e", "expiresAt": "2001-01-01T00:00:00Z"}, headers=pat)
    assert past.status_code == 400 and past.json()["details"] == [{"message": "The expiry date should be in future."}]
    missing = http.post("/api/admin/user/tokens", json={"description": "e"}, headers=pat)
    assert missing.status_code == 400 and missing.json()["details"][0]["path"] == "/body/expiresAt"
    # the new PAT authenticates like the seeded one
    r = http.post("/api/admin/api-tokens", json={"tokenName": "t", "type": "backend"}, headers={"Authorization": body["secret"]})
    assert r.status_code == 201
    assert sb.created("unleash", "createPat") == 1


def test_sdk_endpoints(http: httpx.Client) -> None:
    backend = _mint(http, projects=["default"], environment="production").json()["secret"]
    frontend = _mint(http, type="frontend").json()["secret"]
    expired = _mint(http, expiresAt="2001-01-01T00:00:00Z").json()["secret"]
    r = http.get("/api/client/features", headers={"Authorization": backend})
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == 2 and body["features"] == []
    assert body["query"] == {"project": ["default"], "environment": "production", "inlineSegmentConstraints": True}
    assert body["meta"]["etag"] == f'"{body["meta"]["queryHash"]}:0:v1"'
    assert http.get("/api/frontend", headers={"Authorization": frontend}).json() == {"toggles": []}
    for path, token in [
        ("/api/client/features", frontend),
        ("/api/client/features", ADMIN_API_TOKEN),
        ("/api/frontend", backend),
        ("/api/frontend", PAT),
    ]:
        r = http.get(path, headers={"Authorization": token})
        assert r.status_code == 403, (path, r.text)
    for headers in ({}, {"Authorization": "bogus"}, {"Authorization": expired}):
        r = http.get("/api/client/features", headers=headers)
        assert r.status_code == 401 and list(r.json()) == ["message"]
    assert http.get("/health").json() == {"health": "GOOD"}


def test_seeded_deterministically(sb: Sandbox) -> None:
    sb.reset()
    with httpx.Client(base_url=sb.base_url("unleash")) as http:
        first = _mint(http).json()["secret"]
    sb.reset()
    with httpx.Client(base_url=sb.base_url("unleash")) as http:
        assert _mint(http).json()["secret"] == first
