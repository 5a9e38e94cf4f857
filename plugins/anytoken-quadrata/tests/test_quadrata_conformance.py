"""The shared conformance suite, against the sandbox's Quadrata emulation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from anytoken.devkit.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "quadrata"
    no_not_found: ClassVar[Mapping[str, str]] = {"access": "POST /login has no path id"}
    no_invalid: ClassVar[Mapping[str, str]] = {
        "access": "its one parameter, environment, picks the base URL locally (a choice, checked before the call)"
    }
