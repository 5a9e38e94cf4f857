"""Helpers for the spec -> client pipeline tests (scripts/regenerate.py, scripts/slice_spec.py).

A uniquely named module (not conftest) so that test folders never import each other's helpers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from anytoken.devkit.required_areas import require

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = REPO_ROOT / "scripts"
UPSTREAM = REPO_ROOT.parent / "shared" / "upstream-specs"
_BYPRODUCTS = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", ".pytest_cache", "*.egg-info")

if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))


def run_script(script: str, *args: str | Path, root: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``scripts/<script>`` from ``root`` with this interpreter."""
    return subprocess.run(
        [sys.executable, str(root / "scripts" / script), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )


def upstream(name: str) -> Path:
    """An upstream spec, or skip the test when the shared data is absent."""
    path = UPSTREAM / name
    if not path.is_file():
        require("upstream-specs", f"upstream spec {path} is not available")
    return path


def mypy_strict(project: Path, package: str) -> subprocess.CompletedProcess[str]:
    """Run ``mypy --strict`` on a generated package without leaving a cache behind."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", "/dev/null", "--no-error-summary", package],
        capture_output=True,
        text=True,
        cwd=project,
        check=False,
    )
