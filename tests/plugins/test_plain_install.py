"""Defect 8 of issue 10: ``pip install anytoken anytoken-clerk`` with no extras, then ``anytoken demo``, works.

A fresh venv gets the core, Clerk's generated client and the Clerk plugin, non-editable and without extras
(the sandbox's RS256 signing needs ``cryptography``: anytoken-clerk declares it). Then the demo mints all
five Clerk kinds against the in-process sandbox over 127.0.0.1. With ``cryptography`` taken away the demo
fails up front with one line naming the package: the emulator never answers HTTP 500 for its own dependency.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from venv_helpers import ROOT, Venv, make_venv, pip_install

pytestmark = pytest.mark.slow

CLERK_PLUGIN = ROOT / "plugins" / "anytoken-clerk"
CLERK_CLIENT = ROOT / "generated" / "anytoken-clerk-client"


@pytest.fixture(scope="module")
def clerk_venv() -> Iterator[Venv]:
    root = Path(tempfile.mkdtemp(prefix="anytoken-plain-install-"))
    try:
        path = make_venv(root)
        python = path / "bin" / "python"
        seconds = pip_install(python, [ROOT, CLERK_CLIENT, CLERK_PLUGIN])  # no extras: what a user types
        log = root / "imports.log"
        log.touch()
        yield Venv(path, log, seconds, False)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_demo_works_from_a_plain_install(clerk_venv: Venv) -> None:
    done = clerk_venv.run(["anytoken", "demo", "--json"], timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    import json

    rows = json.loads(done.stdout)
    assert sorted(r["kind"] for r in rows) == ["actor", "m2m", "session", "sign_in", "testing"]
    assert not [r for r in rows if "error" in r], rows  # e.g. an emulator answering 500 (the stdout's "ms" may contain 500)


def test_without_cryptography_the_demo_fails_with_one_clear_line(clerk_venv: Venv) -> None:
    site = clerk_venv.run(["python", "-c", "import cryptography, os; print(os.path.dirname(cryptography.__file__))"])
    assert site.returncode == 0, site.stderr  # the plain install brought it
    package = Path(site.stdout.strip())
    hidden = package.with_name("cryptography-hidden-by-test")
    package.rename(hidden)
    try:
        done = clerk_venv.run(["anytoken", "demo"], timeout=180)
    finally:
        hidden.rename(package)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "500" not in done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "cryptography" in errors[0] and "clerk" in errors[0], done.stderr
