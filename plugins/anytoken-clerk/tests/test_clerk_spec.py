"""Every request the plugin sends and every answer the sandbox gives, checked against Clerk's own spec.

The upstream spec (``../shared/upstream-specs/clerk-bapi-2026-05-12.yml``) is the reference, not our
sliced ``specs/clerk.yaml``: this keeps both the plugin and the emulation honest. Exchanges are recorded at
the sandbox by wrapping its route handlers; request bodies are validated against the operation's
``requestBody`` schema and responses against the schema of the documented status (with ``$ref`` s
resolved, OpenAPI 3.0 semantics such as ``nullable`` via ``openapi-schema-validator``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from anytoken_clerk import sandbox as clerk_sandbox
from anytoken_clerk.plugin import API_VERSION

from anytoken.devkit.fixtures import amint_examples, mint_outcomes
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_testing import (
    Exchange,
    load_spec,
    operation,
    recording_sandbox,
    resolve_refs,
    upstream_spec_path,
    validate,
    validate_request,
    validate_response,
)
from anytoken.errors import AnytokenError

#: reads ../shared/upstream-specs: with ANYTOKEN_REQUIRE=upstream-specs a skip here fails
pytestmark = pytest.mark.upstream_specs

UPSTREAM = upstream_spec_path("clerk-bapi-2026-05-12.yml")

pytest.importorskip("yaml")
pytest.importorskip("openapi_schema_validator")
ValidationError = pytest.importorskip("jsonschema.exceptions").ValidationError


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    return load_spec(UPSTREAM)


def _check_exchange(spec: dict[str, Any], ex: Exchange) -> None:
    op = operation(spec, ex.method, ex.path)
    assert op["operationId"] == ex.operation_id
    # -- the request the plugin sent
    auth = ex.headers.get("authorization", "")
    assert auth.startswith("Bearer ") and len(auth) > len("Bearer "), "no bearer key"
    assert ex.headers.get("clerk-api-version") == API_VERSION
    if op.get("requestBody") is not None:
        assert ex.headers.get("content-type", "").startswith("application/json")
    validate_request(spec, op, ex, no_body=(b"", b"null"))
    # -- the answer the sandbox gave
    assert ex.response_headers.get("content-type", "").startswith("application/json")
    if not validate_response(spec, op, ex):
        # Clerk answers a bad key with 401 on every operation, documented or not
        assert ex.status == 401, f"{ex.operation_id}: status {ex.status} is not in the upstream spec ({sorted(op['responses'])})"
        validate(resolve_refs({"$ref": "#/components/schemas/ClerkErrors"}, spec), json.loads(ex.response_body), spec=spec)


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[Sandbox, list[Exchange]]]:
    with recording_sandbox(clerk_sandbox.sandbox_provider()) as recorded:
        yield recorded


def _calls(sb: Sandbox) -> list[tuple[str, dict[str, Any]]]:
    ex = sb.examples("clerk")
    provider = sb.provider("clerk")
    calls: list[tuple[str, dict[str, Any]]] = list(ex.items())
    calls += [
        ("m2m", {}),
        ("m2m", {"token_format": "jwt", "seconds_until_expiration": 120.5, "claims": {"role": "reporter", "n": [1, 2]}}),
        ("m2m", {"claims": None}),
        ("m2m", {"seconds_until_expiration": 300, "min_remaining_ttl_seconds": 60}),
        ("m2m", {"seconds_until_expiration": 300, "min_remaining_ttl_seconds": 60}),  # reused server-side
        ("session", {"session_id": clerk_sandbox.SESSION_ID, "expires_in_seconds": 120}),
        ("session", {"session_id": clerk_sandbox.SESSION_ID, "template": clerk_sandbox.TEMPLATE}),
        ("session", {"session_id": clerk_sandbox.SESSION_ID, "template": "no-such-template"}),
        ("actor", {"user_id": clerk_sandbox.USER_ID, "actor": {"sub": clerk_sandbox.ACTOR_USER_ID, "iss": "support"}}),
        ("actor", {"user_id": clerk_sandbox.USER_ID, "actor": {"sub": "x"}, "session_max_duration_in_seconds": 60}),
        ("sign_in", {"user_id": clerk_sandbox.USER_ID}),
        ("sign_in", {"user_id": clerk_sandbox.USER_ID, "org_id": clerk_sandbox.ORG_ID}),
        ("sign_in", {"user_id": clerk_sandbox.USER_ID, "org_id": "org_2anytokenSandboxNoSuchOrg001"}),
    ]
    calls += [(k, dict(v)) for k, v in (*provider.not_found.items(), *provider.invalid.items())]
    return calls


def test_requests_and_answers_match_the_upstream_spec(upstream: dict[str, Any], recorded: tuple[Sandbox, list[Exchange]]) -> None:
    sb, log = recorded
    log.clear()
    calls = _calls(sb)
    with sb.client(env={}) as client:
        outcomes = mint_outcomes(client, "clerk", calls)
        # a wrong key on each operation: Clerk's 401 shape
        wrong = {"secret_key": "sk_test_wrong0123456789", "machine_secret_key": "ak_wrong0123456789"}
        for kind, params in sb.examples("clerk").items():
            with pytest.raises(AnytokenError):
                client.create_token("clerk", kind=kind, credentials=wrong, **params)
    assert outcomes.count("ok") >= len(sb.examples("clerk")) + 8
    assert len(log) == len(calls) + len(sb.examples("clerk")), "every call reaches the sandbox exactly once"
    seen = {ex.operation_id for ex in log}
    assert seen == {op for _, _, _, op, _ in clerk_sandbox.ROUTES}, seen
    statuses = {ex.status for ex in log}
    assert {200, 201, 400, 401, 404, 422} <= statuses
    for ex in log:
        _check_exchange(upstream, ex)


def test_async_requests_match_the_upstream_spec(upstream: dict[str, Any], recorded: tuple[Sandbox, list[Exchange]]) -> None:
    sb, log = recorded
    log.clear()

    amint_examples(sb, "clerk")
    assert len(log) == len(sb.examples("clerk"))
    for ex in log:
        _check_exchange(upstream, ex)


def test_the_check_is_not_vacuous(upstream: dict[str, Any]) -> None:
    """The same check fails on a body the spec forbids and on a wrong success shape."""
    good = Exchange(
        "createM2MToken",
        "POST",
        "/m2m_tokens",
        {"authorization": "Bearer ak_x", "clerk-api-version": API_VERSION, "content-type": "application/json"},
        b'{"token_format": "opaque"}',
        400,
        {"content-type": "application/json"},
        b'{"errors": [{"message": "m", "long_message": "l", "code": "c"}]}',
    )
    _check_exchange(upstream, good)
    for bad in (
        attrs.evolve(good, body=b'{"token_format": "opaque", "name": "x"}'),  # additionalProperties: false
        attrs.evolve(good, body=b'{"seconds_until_expiration": 0}'),  # exclusiveMinimum
        attrs.evolve(good, status=201, response_body=b'{"object": "machine_to_machine_token"}'),
        attrs.evolve(good, status=500),
        attrs.evolve(good, headers={**good.headers, "clerk-api-version": "2021-02-05"}),
    ):
        with pytest.raises((AssertionError, ValidationError)):
            _check_exchange(upstream, bad)
