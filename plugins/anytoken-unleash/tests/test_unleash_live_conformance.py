"""The shared conformance checks against a real Unleash (``ProviderLiveConformance``).

With ``UNLEASH_URL`` and ``UNLEASH_API_TOKEN`` (an admin API token) in the environment the checks run
against that server. Otherwise this module starts the real unleash-server 8.2.0 with PostgreSQL
(``scripts/unleash_server.py``, as ``test_unleash_live.py`` does) and points the variables at it, so
CI runs the live half; when no server can be started here the checks are skipped with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest

from anytoken.devkit.fixtures import real_server
from anytoken.devkit.testing import ProviderLiveConformance

pytestmark = pytest.mark.unleash

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "unleash_server.py"
LIVE_ENV = ("UNLEASH_URL", "UNLEASH_API_TOKEN")


@pytest.fixture(scope="module", autouse=True)
def real_unleash() -> Iterator[None]:
    """The given server, or a real one started here; nothing (the checks skip) when neither is possible."""
    if all(os.environ.get(name) for name in LIVE_ENV):
        yield
        return
    with real_server("unleash", SCRIPT, "UnleashServer", skip_env="ANYTOKEN_SKIP_UNLEASH", timeout=150, optional=True) as server:
        if server is None:  # no real Unleash here: live_environment skips, naming the variables
            yield
            return
        with pytest.MonkeyPatch.context() as patch:
            for name, value in server.env().items():
                patch.setenv(name, value)
            yield


class TestLiveConformance(ProviderLiveConformance):
    provider = "unleash"
    live_env = LIVE_ENV
    live_examples: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "backend": {"environment": "development", "projects": ["default"]},
        "frontend": {"environment": "development", "project": "default"},
    }
    live_not_found: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "backend": {"project": "no-such-project"},
        "frontend": {"project": "no-such-project"},
    }
    live_invalid: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "backend": {"environment": "staging"},
        "frontend": {"environment": "staging", "project": "default"},
    }
    uncovered: ClassVar[Mapping[str, str]] = {
        "personal": "mints with a personal access token (a user's credential), not the admin API token this run has"
    }
