"""A small version of scripts/soak.py: async mints at concurrency with injected faults end typed, leak nothing."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_small_soak() -> None:
    spec = importlib.util.spec_from_file_location("soak", ROOT / "scripts" / "soak.py")
    assert spec and spec.loader
    soak = importlib.util.module_from_spec(spec)
    sys.modules["soak"] = soak
    spec.loader.exec_module(soak)
    result = asyncio.run(soak.soak(mints=600, concurrency=60, seed=3))
    assert result["untyped_count"] == 0, result["untyped"]
    assert result["fds_after"] - result["fds_before"] <= 2
    assert sum(result["outcomes"].values()) == 600
    assert result["outcomes"].get("Token", 0) > 400
