"""User-facing errors: printed as one line, never as a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable


class PipelineError(Exception):
    """Something the user can fix (a broken spec, a wrong pin, a bad argument)."""

    exit_code = 1


class UsageError(PipelineError):
    """The command line itself is wrong."""

    exit_code = 2


def exit_status(run: Callable[[], int]) -> int:
    """``run()``'s exit status; a :class:`PipelineError` (or Ctrl-C) is one line on stderr and its exit code."""
    try:
        return run()
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 1
