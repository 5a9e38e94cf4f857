"""Fresh virtual environments with real, non-editable pip installs: helpers shared by the tests here.

``fresh_venv`` is a clean ``python -m venv`` (no system site-packages) holding the core (built from this
checkout), the fixture plugin distributions in ``tests/plugins/fixtures/`` and, when it exists,
``plugins/anytoken-telnyx`` with its generated client, all installed in ONE pip call that reuses pip's
cache. Tests run commands in it with :meth:`Venv.run`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TELNYX_PLUGIN = ROOT / "plugins" / "anytoken-telnyx"
TELNYX_CLIENT = ROOT / "generated" / "anytoken-telnyx-client"
FIXTURE_DISTS = sorted(p for p in FIXTURES.iterdir() if (p / "pyproject.toml").is_file())


@attrs.frozen
class Venv:
    path: Path
    import_log: Path
    install_seconds: float
    telnyx: bool

    @property
    def bin(self) -> Path:
        return self.path / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """A minimal environment: no ANYTOKEN_* or credential variables leak in from the caller."""
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        env["PATH"] = os.pathsep.join([str(self.bin), env.get("PATH", "")])
        env["ANYTOKEN_FIXTURE_IMPORT_LOG"] = str(self.import_log)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.update(extra or {})
        return env

    def run(self, args: Sequence[str], env: Mapping[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``args`` (``anytoken ...`` or ``python ...`` resolve inside the venv) with a fresh import log."""
        self.import_log.write_text("", encoding="utf-8")
        exe = str(self.bin / args[0]) if (self.bin / args[0]).exists() else args[0]
        return subprocess.run([exe, *args[1:]], env=self.env(env), capture_output=True, text=True, timeout=timeout, check=False)

    def imported(self) -> list[str]:
        """Fixture modules imported by the last :meth:`run`."""
        return [line for line in self.import_log.read_text(encoding="utf-8").splitlines() if line]


def _pip(venv_python: Path) -> list[str]:
    """pip from this interpreter driving the new venv (``--python``): the venv itself stays pip-free and fast to create."""
    return [sys.executable, "-m", "pip", "--python", str(venv_python), "--disable-pip-version-check", "--no-input"]


def make_venv(root: Path) -> Path:
    """A clean virtual environment; ``pytest.skip`` if this machine cannot create one."""
    path = root / "venv"
    try:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot create a virtual environment here: {exc}")
    return path


def pip_install(venv_python: Path, targets: Sequence[str | Path], *, no_deps: bool = False) -> float:
    started = time.perf_counter()
    cmd = [*_pip(venv_python), "install", "--quiet", *(["--no-deps"] if no_deps else []), *map(str, targets)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        pytest.fail(f"pip install failed ({done.returncode}):\n{tail}")
    return time.perf_counter() - started
