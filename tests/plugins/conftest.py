"""The session's fresh virtual environment (see ``venv_helpers``): one clean venv, one pip call."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from venv_helpers import FIXTURE_DISTS, ROOT, TELNYX_CLIENT, TELNYX_PLUGIN, Venv, make_venv, pip_install


@pytest.fixture(scope="session")
def fresh_venv() -> Iterator[Venv]:
    root = Path(tempfile.mkdtemp(prefix="anytoken-fresh-venv-"))
    try:
        path = make_venv(root)
        python = path / ("Scripts" if os.name == "nt" else "bin") / "python"
        targets: list[str | Path] = [ROOT, *FIXTURE_DISTS]
        telnyx = TELNYX_PLUGIN.is_dir() and TELNYX_CLIENT.is_dir()
        if telnyx:
            targets += [TELNYX_CLIENT, TELNYX_PLUGIN]
        seconds = pip_install(python, targets)
        log = root / "imports.log"
        log.touch()
        yield Venv(path, log, seconds, telnyx)
    finally:
        shutil.rmtree(root, ignore_errors=True)
