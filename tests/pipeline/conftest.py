"""Fixtures for the spec -> client pipeline tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pipeline_support import _BYPRODUCTS, REPO_ROOT


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the pipeline's part of the repository (specs, scripts, generated)."""
    root = tmp_path / "repo"
    for name in ("specs", "scripts", "generated"):
        shutil.copytree(REPO_ROOT / name, root / name, ignore=_BYPRODUCTS)
    return root
