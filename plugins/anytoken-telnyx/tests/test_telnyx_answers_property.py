"""Defect 7 of issue 10: every answer Telnyx's published spec allows ends in a Token or a typed error.

Bodies (``text/plain``, any string) are generated from ``../shared/upstream-specs/telnyx-sdk-client-credentials.yml``
and served by the sandbox on 127.0.0.1 through the real parsing path. Skipped when the upstream specs are absent.
"""

from __future__ import annotations

import pytest

from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_fuzz import check_spec_answers
from anytoken.devkit.spec_testing import load_spec, upstream_spec_path

#: reads ../shared/upstream-specs: with ANYTOKEN_REQUIRE=upstream-specs a skip here fails
pytestmark = pytest.mark.upstream_specs


def test_spec_valid_answers_end_in_a_token_or_a_typed_error(anytoken_sandbox: Sandbox) -> None:
    spec = load_spec(upstream_spec_path("telnyx-sdk-client-credentials.yml"))
    check_spec_answers(anytoken_sandbox, spec, "telnyx", "credential", "CreateTelephonyCredentialToken")
