"""The attempt loop every call runs (mint and revoke, sync and async): one place for the attempt's context
variables (per-phase timeout, overall deadline), the translation boundary, and the waits between attempts.

The loop returns the failure instead of raising it, so the caller raises it outside any ``except`` block
(no third-party exception rides along in ``__context__``) after auditing it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ._context import call_deadline, call_timeout, forget_response
from .errors import AnytokenError
from .retry import Attempt

__all__ = ["Outcome", "arun_attempts", "remaining", "run_attempts"]

T = TypeVar("T")
#: (error to raise, 0) to give up, or (None, seconds to wait before the next attempt)
Decide = Callable[[Attempt, int], tuple[AnytokenError | None, float]]
Outcome = tuple[T | None, AnytokenError | None, int]  # (result, error, attempts made)


def remaining(deadline: float | None) -> float | None:
    """Seconds left before ``deadline`` (a ``time.monotonic()`` value) for ``asyncio.timeout``; None for none."""
    return None if deadline is None else max(deadline - time.monotonic(), 0.001)


def run_attempts(
    once: Callable[[], T],
    *,
    translate: Callable[[Exception], Attempt],
    decide: Decide,
    timeout: float | None,
    deadline: float | None,
) -> Outcome[T]:
    """Call ``once`` until it succeeds or ``decide`` gives up: ``(result, None, n)`` or ``(None, error, n)``."""
    attempt = 0
    while True:
        attempt += 1
        t_token = call_timeout.set(timeout)
        d_token = call_deadline.set(deadline)
        failure: Attempt | None = None
        try:
            result = once()
        except Exception as exc:  # every failure is translated at this one boundary
            failure = translate(exc)
        finally:
            call_timeout.reset(t_token)
            call_deadline.reset(d_token)
            forget_response()  # whatever plugin answered, its raw response (it may hold a token) goes
        if failure is None:
            return result, None, attempt
        error, wait = decide(failure, attempt)
        if error is not None:
            return None, error, attempt
        time.sleep(wait)


async def arun_attempts(
    once: Callable[[], Awaitable[T]],
    *,
    translate: Callable[[Exception], Attempt],
    decide: Decide,
    timeout: float | None,
    deadline: float | None,
) -> Outcome[T]:
    """Async twin of :func:`run_attempts` (``once`` bounds its own await with :func:`remaining`). The caller's
    ``CancelledError`` (a BaseException) propagates."""
    attempt = 0
    while True:
        attempt += 1
        t_token = call_timeout.set(timeout)
        d_token = call_deadline.set(deadline)
        failure: Attempt | None = None
        try:
            result = await once()
        except Exception as exc:
            failure = translate(exc)
        finally:
            call_timeout.reset(t_token)
            call_deadline.reset(d_token)
            forget_response()
        if failure is None:
            return result, None, attempt
        error, wait = decide(failure, attempt)
        if error is not None:
            return None, error, attempt
        await asyncio.sleep(wait)
