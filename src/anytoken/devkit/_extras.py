"""The devkit's third-party dependencies are the ``anytoken[devkit]`` extra (pyproject.toml), not dependencies of
the runtime: each is imported where it is used, and a missing one is reported in one line naming the extra
(:func:`missing`), never with a traceback."""

from __future__ import annotations

from anytoken.errors import UsageError

__all__ = ["EXTRA", "MissingDependencyError", "missing"]

EXTRA = "anytoken[devkit]"


class MissingDependencyError(UsageError):
    """A devkit feature needs a package of the ``anytoken[devkit]`` extra that is not installed."""


def missing(distribution: str, purpose: str) -> MissingDependencyError:
    """The error to raise when ``distribution`` (as pip names it) is not installed; ``purpose`` says what needs it."""
    return MissingDependencyError(f"{purpose} needs {distribution}, which is not installed: pip install '{EXTRA}'")
