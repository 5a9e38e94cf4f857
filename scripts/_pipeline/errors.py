"""User-facing errors: printed as one line, never as a traceback."""

from __future__ import annotations


class PipelineError(Exception):
    """Something the user can fix (a broken spec, a wrong pin, a bad argument)."""

    exit_code = 1


class UsageError(PipelineError):
    """The command line itself is wrong."""

    exit_code = 2
