"""Every request the plugin sends and every answer the sandbox gives, checked against Unleash 8.2.0's own spec.

The reference is the server's ``/docs/openapi.json`` (``../shared/upstream-specs/unleash-8.2.0-openapi.json``),
not our ``specs/unleash.yaml``. Exchanges are recorded at the sandbox by wrapping its route handlers; request
bodies are validated against the operation's ``requestBody`` schema and answers against the schema of the
documented status (``$ref`` s inlined, OpenAPI 3.0 semantics via ``openapi-schema-validator``). Statuses the
server returns but does not declare (400 on ``createApiToken`` and ``createPat``, 409 on ``createPat``, 401/403
on the SDK endpoints) must still have Unleash's error shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from anytoken_unleash import sandbox as unleash_sandbox

from anytoken.devkit.fixtures import amint_examples, mint_outcomes
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_testing import (
    Exchange,
    load_spec,
    operation,
    recording_sandbox,
    upstream_spec_path,
    validate,
    validate_request,
    validate_response,
)
from anytoken.errors import AnytokenError

#: reads ../shared/upstream-specs: with ANYTOKEN_REQUIRE=upstream-specs a skip here fails
pytestmark = pytest.mark.upstream_specs

UPSTREAM = upstream_spec_path("unleash-8.2.0-openapi.json")

pytest.importorskip("openapi_schema_validator")

#: (operationId, status) the server returns although its spec does not declare them
UNDECLARED = {
    ("createApiToken", 400),
    ("createPat", 400),
    ("createPat", 409),
    ("getAllClientFeatures", 401),
    ("getAllClientFeatures", 403),
    ("getFrontendFeatures", 403),
}
ERROR_SHAPE: dict[str, Any] = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}},
    },
}


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    return load_spec(UPSTREAM)


def _check_exchange(spec: dict[str, Any], ex: Exchange, *, from_plugin: bool) -> None:
    op = operation(spec, ex.method, ex.path)
    assert op["operationId"] == ex.operation_id
    if from_plugin:
        auth = ex.headers.get("authorization", "")
        assert auth and not auth.lower().startswith("bearer "), "the token travels bare, as the official tools send it"
        if op.get("requestBody") is not None:
            assert ex.headers.get("content-type", "").startswith("application/json")
            sent = validate_request(spec, op, ex)
            assert "project" not in sent, "8.x ignores the singular project field: send projects"
    assert ex.response_headers.get("content-type", "").startswith("application/json")
    payload = json.loads(ex.response_body)
    documented = op["responses"].get(str(ex.status))
    if documented is None:
        assert (ex.operation_id, ex.status) in UNDECLARED, f"{ex.operation_id}: {ex.status} not in the upstream spec"
        validate(ERROR_SHAPE, payload)
    else:
        assert validate_response(spec, op, ex), f"{ex.operation_id}: {ex.status} has no documented body"
        if ex.status >= 400:
            validate(ERROR_SHAPE, payload)
    if ex.status == 201 and ex.operation_id != "createPat":
        assert ex.response_headers.get("location") == "api-tokens"


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[Sandbox, list[Exchange]]]:
    with recording_sandbox(unleash_sandbox.sandbox_provider()) as recorded:
        yield recorded


def _calls(sb: Sandbox) -> list[tuple[str, dict[str, Any]]]:
    provider = sb.provider("unleash")
    calls: list[tuple[str, dict[str, Any]]] = list(sb.examples("unleash").items())
    calls += [
        ("backend", {}),
        (
            "backend",
            {"token_name": "ci", "environment": "production", "projects": ["default", "mobile"], "expires_at": "2031-01-01T00:00:00+02:00"},
        ),
        ("frontend", {"projects": ["*"]}),
        ("frontend", {"project": "mobile", "expires_at": "2031-05-01T10:00:00Z", "token_name": "web"}),
        ("personal", {"description": "laptop", "expires_at": "2031-01-01T00:00:00Z"}),
        ("personal", {"description": "laptop", "expires_at": "2031-01-01T00:00:00Z"}),  # 409: descriptions are unique
    ]
    calls += [(k, dict(v)) for k, v in (*provider.not_found.items(), *provider.invalid.items())]
    return calls


def test_requests_and_answers_match_the_upstream_spec(upstream: dict[str, Any], recorded: tuple[Sandbox, list[Exchange]]) -> None:
    sb, log = recorded
    sb.reset()
    log.clear()
    calls = _calls(sb)
    with sb.client(env={}) as client:
        outcomes = mint_outcomes(client, "unleash", calls)
        for kind, params in sb.examples("unleash").items():
            with pytest.raises(AnytokenError):
                client.create_token("unleash", kind=kind, credentials="*:*.0123456789abcdef-wrong", **params)
        with pytest.raises(AnytokenError):
            client.create_token("unleash", kind="personal", credentials=unleash_sandbox.ADMIN_API_TOKEN)
    assert outcomes.count("ok") == len(sb.examples("unleash")) + 5, outcomes
    assert len(log) == len(calls) + len(sb.examples("unleash")) + 1, "every call reaches the sandbox exactly once"
    assert {ex.status for ex in log} >= {201, 400, 401, 403, 404, 409}
    assert {ex.operation_id for ex in log} == {"createApiToken", "createProjectApiToken", "createPat"}
    for ex in log:
        _check_exchange(upstream, ex, from_plugin=True)


def test_sdk_endpoints_and_raw_errors_match_the_upstream_spec(upstream: dict[str, Any], recorded: tuple[Sandbox, list[Exchange]]) -> None:
    sb, log = recorded
    sb.reset()
    log.clear()
    base = sb.base_url("unleash")
    with sb.client(env={}) as client:
        backend = client.create_token("unleash", kind="backend").value
        frontend = client.create_token("unleash", kind="frontend", projects=["default"]).value
    log.clear()
    admin = {"Authorization": unleash_sandbox.ADMIN_API_TOKEN}
    with httpx.Client(base_url=base) as http:
        http.get("/api/client/features", headers={"Authorization": backend})
        http.get("/api/client/features", headers={"Authorization": frontend})
        http.get("/api/client/features")
        http.get("/api/frontend", headers={"Authorization": frontend})
        http.get("/api/frontend", headers={"Authorization": backend})
        http.post("/api/admin/api-tokens", json={"tokenName": "x", "type": "admin"}, headers=admin)
        http.post("/api/admin/api-tokens", json={"tokenName": "x", "type": "backend"})
        http.post("/api/admin/api-tokens", json={"tokenName": "x", "type": "backend"}, headers={"Authorization": backend})
        http.post("/api/admin/api-tokens", content=b"x", headers={**admin, "content-type": "text/plain"})
        http.post("/api/admin/projects/nope/api-tokens", json={"tokenName": "x", "type": "backend"}, headers=admin)
        http.post("/api/admin/user/tokens", json={"description": "x", "expiresAt": "2031-01-01T00:00:00Z"}, headers=admin)
        http.post("/api/admin/user/tokens", json={"description": "x"}, headers={"Authorization": unleash_sandbox.PAT})
    assert len(log) == 12
    assert [ex.status for ex in log] == [200, 403, 401, 200, 403, 400, 401, 403, 415, 404, 403, 400]
    for ex in log:
        _check_exchange(upstream, ex, from_plugin=False)


def test_async_requests_match_the_upstream_spec(upstream: dict[str, Any], recorded: tuple[Sandbox, list[Exchange]]) -> None:
    sb, log = recorded
    sb.reset()
    log.clear()

    amint_examples(sb, "unleash")
    assert len(log) == len(sb.examples("unleash"))
    for ex in log:
        _check_exchange(upstream, ex, from_plugin=True)
