"""The shared conformance suite, against the sandbox's Clerk emulation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from anytoken.devkit.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "clerk"
    no_not_found: ClassVar[Mapping[str, str]] = {
        "m2m": "POST /m2m_tokens has no path id",
        "actor": "Clerk's spec documents 400/402/422 for POST /actor_tokens, no 404: an unknown user is an invalid case",
        "testing": "POST /testing_tokens takes no parameters",
    }
    no_invalid: ClassVar[Mapping[str, str]] = {
        "session": "expires_in_seconds is range-checked before the call (30 s .. 10 years); the ids are path ids (404)",
        "testing": "POST /testing_tokens takes no parameters",
    }
