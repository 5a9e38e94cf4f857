"""The shared conformance suite, run for Quadrata."""

from __future__ import annotations

from anytoken.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "quadrata"
