"""The pinned generator toolchain (``scripts/requirements-generator.txt``)."""

from __future__ import annotations

import re
from importlib import metadata
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
    """The installed version of a distribution, or ``None``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
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
