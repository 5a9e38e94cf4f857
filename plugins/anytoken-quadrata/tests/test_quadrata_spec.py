"""The project's own spec (``specs/quadrata.yaml``) must agree with the plugin and the emulator.

Quadrata publishes no OpenAPI document (there is none in ``../shared/upstream-specs``; ``specs/quadrata.yaml``
is written from Quadrata's docs and the JS SDK, and is what the generated client parses), so this is the
spec the requests and answers are checked against: every request the plugin sends and every answer the
sandbox gives (successes and errors) is recorded at the sandbox and validated against ``createAccessToken``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest
from anytoken_quadrata.sandbox import SANDBOX_API_KEY, quadrata_sandbox

from anytoken.devkit.fixtures import recording_fixtures
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_testing import (
    Exchange,
    load_spec,
    operation,
    own_spec_path,
    request_errors,
    validate_request,
    validate_response,
)
from anytoken.errors import AnytokenError, AuthenticationError
from anytoken.retry import RetryPolicy

SPEC = own_spec_path("quadrata.yaml")
NO_RETRY = RetryPolicy(max_attempts=1)


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec(SPEC, skip_if_absent=False)


recorded, sb = recording_fixtures(quadrata_sandbox)


def _check(spec: dict[str, Any], ex: Exchange, *, valid_request: bool | None) -> None:
    """``valid_request``: the request must fit the spec (True), must break it (False), or either (None)."""
    op = operation(spec, ex.method, ex.path)
    assert ex.operation_id == op["operationId"] == "createAccessToken"
    assert "authorization" not in ex.headers and op["security"] == [], "the key travels in the body, never in a header"
    if valid_request:
        validate_request(spec, op, ex)
    elif valid_request is False:
        assert request_errors(spec, op, ex), f"HTTP {ex.status}: the request fits the spec, yet was refused"
    assert str(ex.status) in op["responses"], f"HTTP {ex.status} is not documented"
    assert validate_response(spec, op, ex), f"HTTP {ex.status} has no documented body"


@pytest.mark.parametrize(
    ("params", "credentials", "status"),
    [
        ({}, {}, 200),
        ({"environment": "production"}, {}, 200),
        ({"environment": "sandbox"}, {}, 200),
        ({}, {"api_key": "qd_wrong_0123456789abcdef0123456789"}, 401),
    ],
)
def test_plugin_requests_and_sandbox_answers_match_the_spec(
    spec: dict[str, Any], sb: tuple[Sandbox, list[Exchange]], params: dict[str, Any], credentials: dict[str, str], status: int
) -> None:
    sandbox, log = sb
    creds = {"quadrata": {**sandbox.credentials("quadrata"), **credentials}}
    with sandbox.client(env={}, credentials=creds, retry=NO_RETRY) as client, contextlib.suppress(AuthenticationError):
        client.create_token("quadrata", **params)
    assert [ex.status for ex in log] == [status]
    _check(spec, log[0], valid_request=True)


def test_async_requests_match_the_spec(spec: dict[str, Any], sb: tuple[Sandbox, list[Exchange]]) -> None:
    sandbox, log = sb

    async def run() -> None:
        async with sandbox.client(env={}) as client:
            await client.acreate_token("quadrata", environment="sandbox")

    asyncio.run(run())
    assert [ex.status for ex in log] == [200]
    _check(spec, log[0], valid_request=True)


@pytest.mark.parametrize(
    ("body", "breaks_the_schema"),
    # an empty apiKey fits the schema (a string) but is documented as a 400 ("missing, empty or not a string")
    [({"apiKey": 1}, False), ({"apiKey": ""}, None), ({}, False), ([SANDBOX_API_KEY], False)],
    ids=["number", "empty", "missing", "array"],
)
def test_the_sandbox_refuses_what_the_spec_forbids_in_the_documented_shape(
    spec: dict[str, Any], sb: tuple[Sandbox, list[Exchange]], body: Any, breaks_the_schema: bool | None
) -> None:
    sandbox, log = sb
    httpx.post(f"{sandbox.base_url('quadrata')}/login", json=body, timeout=5)
    assert [ex.status for ex in log] == [400]
    _check(spec, log[0], valid_request=breaks_the_schema)


def test_the_check_is_not_vacuous(spec: dict[str, Any], sb: tuple[Sandbox, list[Exchange]]) -> None:
    """A success without ``data.accessToken`` breaks the spec's schema, and the check says so."""
    sandbox, log = sb
    with sandbox.client(env={}) as client:
        client.create_token("quadrata")
    (ex,) = log
    ex.response_body = b'{"data": {"type": "login"}}'
    with pytest.raises(Exception, match="accessToken"):
        _check(spec, ex, valid_request=True)
    with pytest.raises(AnytokenError):  # and the plugin refuses such an answer too
        sandbox.inject("quadrata", "createAccessToken", _missing_token(), times=1)
        with sandbox.client(env={}, retry=NO_RETRY) as client:
            client.create_token("quadrata")


def _missing_token() -> Any:
    from anytoken.devkit.sandbox import Fault

    return Fault.missing_token(transform=lambda _: {"data": {"type": "login"}})
