"""When a failed mint is tried again, and how long to wait.

The rules (``docs/retries.md`` has them as a table):

* the request provably never reached the server (connection refused, connect timeout, no free pooled
  connection): always retried;
* 429 and 503: retried, honouring ``Retry-After`` / ``retry-after-ms`` up to ``max_retry_after``;
* 408, other 5xx, read timeouts, connections dropped after the request was sent: retried only when the
  kind is idempotent (repeating it cannot create a second resource). When minting creates a persistent
  resource they raise :class:`~anytoken.errors.AmbiguousMintError` instead: the token may exist;
* anything else (4xx, malformed answers, plugin errors): never retried.

Waits grow exponentially with full jitter, capped per wait, and never run past the call's deadline.
"""

from __future__ import annotations

import math
import random
from typing import Any, Literal

import attrs

from .errors import AnytokenError, InvalidParameterError, ProviderUnavailableError, RateLimitedError

__all__ = ["Attempt", "RetryPolicy", "check_retry", "classify"]

Verdict = Literal["retry", "ambiguous", "final"]


def _number(minimum: float, *, optional: bool = False, integer: bool = False) -> Any:
    """An attrs validator raising InvalidParameterError (a usage error naming the field), not TypeError."""

    def check(_: object, attribute: Any, value: object) -> None:
        if value is None and optional:
            return
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= minimum
        if integer:
            ok = ok and isinstance(value, int)
        if not ok:
            kind = "an integer" if integer else "a number"
            extra = " or None" if optional else ""
            raise InvalidParameterError([(f"RetryPolicy.{attribute.name}", f"must be {kind} >= {minimum:g}{extra}, got {value!r}")])

    return check


@attrs.frozen
class RetryPolicy:
    """Retry settings for a client or one call.

    :param max_attempts: attempts in all, the first included (1 disables retries).
    :param backoff: first wait in seconds; doubles each attempt.
    :param max_backoff: cap of one wait.
    :param max_retry_after: the longest ``Retry-After`` honoured; a longer one ends the call at once.
    :param deadline: seconds for the whole call, retries and waits included (None: no overall limit).
    :param retry_ambiguous: retry timeouts/5xx for non-idempotent kinds anyway (may create duplicates).
    """

    max_attempts: int = attrs.field(default=3, validator=_number(1, integer=True))
    backoff: float = attrs.field(default=0.25, validator=_number(0))
    max_backoff: float = attrs.field(default=8.0, validator=_number(0))
    max_retry_after: float = attrs.field(default=30.0, validator=_number(0))
    deadline: float | None = attrs.field(default=30.0, validator=_number(0.001, optional=True))
    retry_ambiguous: bool = False

    def wait(self, attempt: int, error: AnytokenError, rng: random.Random | None = None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; None when the error's Retry-After is too long."""
        retry_after = getattr(error, "retry_after", None)
        if isinstance(retry_after, int | float) and retry_after >= 0:
            if retry_after > self.max_retry_after:
                return None
            return float(retry_after)
        cap = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
        return (rng or random).uniform(0, cap) if cap > 0 else 0.0


@attrs.define
class Attempt:
    """What is known about one failed attempt, for :func:`classify`."""

    error: AnytokenError
    sent: bool  # False only when the request provably never reached the server


_SAFE_STATUSES = frozenset({429, 503})
_AMBIGUOUS_STATUSES = frozenset({408, 500, 502, 504})


def check_retry(retry: RetryPolicy | None) -> RetryPolicy | None:
    """``retry`` as given, or a typed error when it is neither a :class:`RetryPolicy` nor None."""
    if retry is not None and not isinstance(retry, RetryPolicy):
        raise InvalidParameterError([("retry", f"must be an anytoken.RetryPolicy (or None), not {type(retry).__name__}")])
    return retry


def classify(attempt: Attempt, *, idempotent: bool, policy: RetryPolicy) -> Verdict:
    """``retry`` it, report it as ``ambiguous`` (the token may exist), or it is ``final``."""
    err = attempt.error
    if not attempt.sent:
        return "retry"
    status = err.status
    if status in _SAFE_STATUSES or isinstance(err, RateLimitedError):
        return "retry"
    transient = (
        status in _AMBIGUOUS_STATUSES
        or (status is not None and status >= 500)
        or (status is None and isinstance(err, ProviderUnavailableError))
    )
    if not transient:
        return "final"
    if idempotent or policy.retry_ambiguous:
        return "retry"
    return "ambiguous"
