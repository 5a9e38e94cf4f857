"""The real authorization server (node's oidc-provider, ``scripts/oidc_server.py``) shared by the ``oauth2``
tests of this folder: started once per session, skipped with the reason when it cannot run here (or when
``ANYTOKEN_SKIP_OAUTH2=1``)."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from anytoken.devkit.required_areas import require

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "oidc_server.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("anytoken_oidc_server_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def oidc_server() -> Iterator[Any]:
    if os.environ.get("ANYTOKEN_SKIP_OAUTH2") == "1":
        require("oauth2", "ANYTOKEN_SKIP_OAUTH2=1")
    if not SCRIPT.is_file():
        require("oauth2", f"{SCRIPT} not found")
    script = _script()
    try:
        srv = script.OidcServer.start(timeout=60)
    except script.Unavailable as exc:
        require("oauth2", f"no real oidc-provider here: {exc}")
    try:
        yield srv
    finally:
        srv.stop()
