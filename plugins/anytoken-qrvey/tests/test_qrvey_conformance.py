"""The shared conformance suite, run against the sandbox's Qrvey emulation."""

from __future__ import annotations

from anytoken.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "qrvey"
