"""User-facing errors: printed as one line, never as a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class PipelineError(Exception):
    """Something the user can fix (a broken spec, a wrong pin, a bad argument)."""

    exit_code = 1


class UsageError(PipelineError):
    """The command line itself is wrong."""

    exit_code = 2


def run_command(run: Callable[[T], int], args: T) -> int:
    """``run(args)`` as a command's exit status: a :class:`PipelineError` is one line on stderr, never a
    traceback; Ctrl-C is ``interrupted`` (exit 1)."""
    try:
        return run(args)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 1
