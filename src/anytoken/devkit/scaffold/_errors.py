"""The scaffold's one error type: a one-line message and an exit code."""

from __future__ import annotations


class ScaffoldError(Exception):
    """Bad input (exit 2) or a failed generation (exit 1). ``str()`` is the one-line message."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message
