"""The conformance suite fails when it would check nothing or when a failure mode has no case (issue 10)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_a_suite_without_examples_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from anytoken.devkit.testing import ProviderConformance

        class TestEmpty(ProviderConformance):
            provider = "quadrata"
            no_not_found = {"access": "no path id"}
            no_invalid = {"access": "local choice"}

            def example_cases(self):
                return {}
        """
    )
    result = pytester.runpytest("-q", "-p", "no:randomly")
    outcomes = result.parseoutcomes()
    assert result.ret != 0
    assert outcomes.get("passed", 0) <= 1, outcomes  # only the import-cost check needs no example
    assert outcomes.get("errors", 0) >= 10, outcomes
    result.stdout.fnmatch_lines(["*no example parameters, so this suite would check nothing*"])


def test_a_suite_without_a_provider_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from anytoken.devkit.testing import ProviderConformance

        class TestNothing(ProviderConformance):
            pass
        """
    )
    result = pytester.runpytest("-q")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*TestNothing: set `provider` to the provider under test*"])


def test_a_kind_without_a_not_found_case_or_waiver_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from anytoken.devkit.testing import ProviderConformance

        class TestQuadrata(ProviderConformance):
            provider = "quadrata"
            no_invalid = {"access": "local choice"}
        """
    )
    result = pytester.runpytest("-q", "-k", "every_failure_mode")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: kinds ?'access'? have no not_found case*"])
