"""Defect 7 of issue 10: every answer our Quadrata spec (``specs/quadrata.yaml``; Quadrata publishes none)
allows ends in a Token or a typed error, served by the sandbox on 127.0.0.1 through the real parsing path."""

from __future__ import annotations

from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_fuzz import check_spec_answers
from anytoken.devkit.spec_testing import load_spec, own_spec_path


def test_spec_valid_answers_end_in_a_token_or_a_typed_error(anytoken_sandbox: Sandbox) -> None:
    spec = load_spec(own_spec_path("quadrata.yaml"), skip_if_absent=False)
    check_spec_answers(anytoken_sandbox, spec, "quadrata", "access", "createAccessToken")
