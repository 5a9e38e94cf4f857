"""The shared conformance suite, against the sandbox's Clerk emulation."""

from __future__ import annotations

from anytoken.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "clerk"
