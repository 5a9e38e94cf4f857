"""The pinned generator toolchain (``scripts/requirements-generator.txt``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .errors import PipelineError

_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")


def read_pins(path: Path) -> dict[str, str]:
    """``{distribution: version}`` for every ``name==version`` line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PipelineError(f"{path}: cannot read the generator pins: {exc.strerror}") from None
    pins = {}
    for line in text.splitlines():
        match = _PIN.match(line)
        if match:
            pins[_normalize(match.group(1))] = match.group(2)
    return pins


def installed_version(name: str) -> str | None:
    """The installed version of a distribution, or ``None``: what ``importlib.metadata.version`` answers.

    The common case (a ``<name>-<version>.dist-info`` folder on ``sys.path``) is read directly: importing
    ``importlib.metadata`` costs more than a no-op regeneration's whole work. Anything else (an egg, a
    zip, no such folder) asks ``importlib.metadata`` itself.
    """
    found = _dist_info_version(name)
    if found is not None:
        return found
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _dist_info_version(name: str) -> str | None:
    """The ``Version:`` of the first ``*.dist-info`` on ``sys.path`` whose name normalizes to ``name``
    (importlib.metadata's search order: ``sys.path`` entries in order), or ``None``."""
    wanted = _normalize(name)
    for entry in sys.path:
        try:
            names = sorted(p.name for p in Path(entry or ".").iterdir() if p.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
        for folder in names:
            if _normalize(folder.split("-", 1)[0].removesuffix(".dist-info").removesuffix(".egg-info")) != wanted:
                continue
            if not folder.endswith(".dist-info"):
                return None  # an egg-info: let importlib.metadata read it
            try:
                text = (Path(entry or ".") / folder / "METADATA").read_text(encoding="utf-8")
            except OSError:
                return None
            for line in text.splitlines():
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
                if not line:
                    break
            return None
    return None


def check_pins(path: Path, required: tuple[str, ...]) -> dict[str, str]:
    """Check the installed toolchain matches the pins; return the pinned versions."""
    pins = read_pins(path)
    problems = []
    for name in required:
        wanted = pins.get(_normalize(name))
        if wanted is None:
            raise PipelineError(f"{path}: no pin for {name} (add a line '{name}==<version>')")
        have = installed_version(name)
        if have != wanted:
            state = "is not installed" if have is None else f"{have} is installed"
            problems.append(f"{name} {state} but {wanted} is pinned")
    if problems:
        raise PipelineError(
            "the generator toolchain does not match its pins (" + "; ".join(problems) + f"); fix it with: python -m pip install -r {path}"
        )
    return {name: pins[_normalize(name)] for name in required}


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
