"""The shared conformance suite, run for Telnyx."""

from __future__ import annotations

from anytoken.devkit.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "telnyx"
