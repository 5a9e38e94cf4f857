"""check_spec_answers is deterministic: a generated token that is also ordinary text of the answer ('None',
a value another field repeats) is not reported as a leaked secret (it failed ~1 run in 2 for Quadrata)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from anytoken.devkit import spec_fuzz
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_testing import load_spec, own_spec_path


@pytest.mark.parametrize(
    "body", [{"data": {"accessToken": "None"}}, {"data": {"accessToken": "0000", "type": "0000"}}], ids=["None", "repeated"]
)
def test_degenerate_token_values_are_not_reported_as_leaks(
    anytoken_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, body: dict[str, Any]
) -> None:
    monkeypatch.setattr(spec_fuzz, "success_bodies", lambda spec, operation_id: st.just(body))
    spec = load_spec(own_spec_path("quadrata.yaml"), skip_if_absent=False)
    spec_fuzz.check_spec_answers(anytoken_sandbox, spec, "quadrata", "access", "createAccessToken", max_examples=1)


def test_a_real_leak_is_still_reported(anytoken_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    leaked = "tok_distinctive_0123456789"
    body = {"data": {"accessToken": leaked, "type": "login"}}
    monkeypatch.setattr(spec_fuzz, "success_bodies", lambda spec, operation_id: st.just(body))
    monkeypatch.setattr("anytoken.tokens.Token.__repr__", lambda self: f"Token({self.value})")
    spec = load_spec(own_spec_path("quadrata.yaml"), skip_if_absent=False)
    with pytest.raises(AssertionError, match="a secret shows"):
        spec_fuzz.check_spec_answers(anytoken_sandbox, spec, "quadrata", "access", "createAccessToken", max_examples=1)
