"""The shared conformance suite, against the sandbox's Unleash emulation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from anytoken.devkit.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "unleash"
    no_not_found: ClassVar[Mapping[str, str]] = {"personal": "POST /api/admin/user/tokens has no path id and names no project"}
