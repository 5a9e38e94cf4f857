"""Defect 7 of issue 10: every answer Unleash's published spec (8.2.0) allows ends in a Token or a typed error.

Bodies are generated from the success schemas of ``../shared/upstream-specs/unleash-8.2.0-openapi.json``
and served by the sandbox on 127.0.0.1 through the real parsing path. Skipped when the upstream specs are absent.
"""

from __future__ import annotations

import pytest

from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_fuzz import check_spec_answers
from anytoken.devkit.spec_testing import load_spec, upstream_spec_path

#: reads ../shared/upstream-specs: with ANYTOKEN_REQUIRE=upstream-specs a skip here fails
pytestmark = pytest.mark.upstream_specs

CASES = [("backend", "createApiToken"), ("frontend", "createProjectApiToken"), ("personal", "createPat")]


@pytest.mark.parametrize(("kind", "operation_id"), CASES, ids=[c[1] for c in CASES])
def test_spec_valid_answers_end_in_a_token_or_a_typed_error(anytoken_sandbox: Sandbox, kind: str, operation_id: str) -> None:
    spec = load_spec(upstream_spec_path("unleash-8.2.0-openapi.json"))
    check_spec_answers(anytoken_sandbox, spec, "unleash", kind, operation_id)
