"""A small version of scripts/soak.py, on both request paths: async mints at concurrency with injected faults end
typed, leak nothing."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("http", ["wire", "httpx"])
def test_small_soak(http: str) -> None:
    spec = importlib.util.spec_from_file_location("soak", ROOT / "scripts" / "soak.py")
    assert spec and spec.loader
    soak = importlib.util.module_from_spec(spec)
    sys.modules["soak"] = soak
    spec.loader.exec_module(soak)
    result = asyncio.run(soak.soak(mints=600, concurrency=60, seed=3, http=http))
    assert result["untyped_count"] == 0, result["untyped"]
    assert result["fds_after"] - result["fds_before"] <= 2
    assert sum(result["outcomes"].values()) == 600
    assert result["outcomes"].get("Token", 0) > 400
