"""The shared conformance suite, against the sandbox's Unleash emulation."""

from __future__ import annotations

from anytoken.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "unleash"
