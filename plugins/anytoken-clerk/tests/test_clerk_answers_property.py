"""Defect 7 of issue 10: every answer Clerk's published spec allows ends in a Token or a typed error.

Bodies are generated from the success schemas of ``../shared/upstream-specs/clerk-bapi-2026-05-12.yml``
(timestamps are int64 without bounds there) and served by the sandbox on 127.0.0.1; the mint runs the
real path (Client, plugin, generated client, finish function). Skipped when the upstream specs are absent.
"""

from __future__ import annotations

from typing import Any

import pytest

from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_fuzz import check_spec_answers
from anytoken.devkit.spec_testing import load_spec, upstream_spec_path

#: reads ../shared/upstream-specs: with ANYTOKEN_REQUIRE=upstream-specs a skip here fails
pytestmark = pytest.mark.upstream_specs

CASES = [
    ("m2m", "createM2MToken", None),
    ("session", "CreateSessionToken", None),
    ("session", "CreateSessionTokenFromTemplate", {"session_id": "sess_2anytokenSandboxSession0001", "template": "supabase"}),
    ("actor", "CreateActorToken", None),
    ("sign_in", "CreateSignInToken", None),
    ("testing", "CreateTestingToken", None),
]


@pytest.mark.parametrize(("kind", "operation_id", "params"), CASES, ids=[c[1] for c in CASES])
def test_spec_valid_answers_end_in_a_token_or_a_typed_error(
    anytoken_sandbox: Sandbox, kind: str, operation_id: str, params: dict[str, str] | None
) -> None:
    spec = load_spec(upstream_spec_path("clerk-bapi-2026-05-12.yml"))
    check_spec_answers(anytoken_sandbox, spec, "clerk", kind, operation_id, params=params)


BIG = 2**63 - 1  # int64's largest: a valid Clerk timestamp, far outside datetime's range


@pytest.mark.parametrize(
    ("kind", "operation_id", "field"),
    [
        ("m2m", "createM2MToken", "expiration"),
        ("actor", "CreateActorToken", "created_at"),
        ("sign_in", "CreateSignInToken", "created_at"),
        ("testing", "CreateTestingToken", "expires_at"),
    ],
)
@pytest.mark.parametrize("value", [BIG, -BIG, 253402300800000])
def test_unrepresentable_timestamp_is_an_unknown_expiry(
    anytoken_sandbox: Sandbox, kind: str, operation_id: str, field: str, value: int
) -> None:
    from anytoken.devkit.sandbox.faults import Fault
    from anytoken.retry import RetryPolicy

    def answer(body: Any) -> Any:
        return {**body, field: value, "token": "opaque-not-a-jwt-0123456789"}

    anytoken_sandbox.inject("clerk", operation_id, Fault.missing_token(transform=answer), times=1)
    with anytoken_sandbox.client(env={}, retry=RetryPolicy(max_attempts=1)) as client:
        token = client.create_token("clerk", kind=kind, **anytoken_sandbox.examples("clerk")[kind])
    assert token.value == "opaque-not-a-jwt-0123456789"
    assert token.expires_at is None
