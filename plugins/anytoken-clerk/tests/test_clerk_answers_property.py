"""Defect 7 of issue 10: every answer Clerk's published spec allows ends in a Token or a typed error.

Bodies are generated from the success schemas of ``../shared/upstream-specs/clerk-bapi-2026-05-12.yml``
(timestamps are int64 without bounds there) and served by the sandbox on 127.0.0.1; the mint runs the
real path (Client, plugin, generated client, finish function). Skipped when the upstream specs are absent.
"""

from __future__ import annotations

import pytest

from anytoken.sandbox import Sandbox
from anytoken.spec_fuzz import check_spec_answers
from anytoken.spec_testing import load_spec, upstream_spec_path

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
