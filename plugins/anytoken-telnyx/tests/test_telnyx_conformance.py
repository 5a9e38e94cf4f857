"""The shared conformance suite, run for Telnyx."""

from __future__ import annotations

from anytoken.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "telnyx"
