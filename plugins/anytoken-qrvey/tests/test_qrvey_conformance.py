"""The shared conformance suite, against the sandbox's Qrvey emulation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from anytoken.devkit.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "qrvey"
    no_not_found: ClassVar[Mapping[str, str]] = {
        "widget": "POST /devapi/v4/core/login/token has no path id (ids travel in the body)",
        "admin": "POST /admin/api/v5/login has no path id",
    }
    no_invalid: ClassVar[Mapping[str, str]] = {
        "admin": "the admin login takes no parameters (its credentials are checked by the wrong-key test)"
    }
