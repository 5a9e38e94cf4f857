"""The real authorization server (node's oidc-provider, ``scripts/oidc_server.py``) shared by the ``oauth2``
tests of this folder: started once per session, skipped with the reason when it cannot run here (or when
``ANYTOKEN_SKIP_OAUTH2=1``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from anytoken.devkit.fixtures import real_server

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "oidc_server.py"


@pytest.fixture(scope="session")
def oidc_server() -> Iterator[Any]:
    with real_server("oauth2", SCRIPT, "OidcServer", skip_env="ANYTOKEN_SKIP_OAUTH2", timeout=60) as srv:
        yield srv
