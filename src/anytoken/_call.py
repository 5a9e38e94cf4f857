"""The options of one call: the keywords that ``create_token`` / ``get_token`` (module functions and Client
methods) take besides the provider and its parameters.

:class:`CallOptions` is the one place they are listed; :data:`CORE_KEYWORDS` derives from it the names a
provider parameter may not take (a parameter named ``timeout`` would be swallowed by the call's own
keyword, never reaching the plugin), which :class:`~anytoken.declarations.Param` refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from .errors import InvalidParameterError

if TYPE_CHECKING:
    from .retry import RetryPolicy

__all__ = ["CORE_KEYWORDS", "CallOptions"]


@dataclass(frozen=True, slots=True)
class CallOptions:
    """The core keywords of a call; a bad value is a one-line :class:`InvalidParameterError` naming the field."""

    kind: str | None = None
    credentials: Mapping[str, str] | str | None = None
    base_url: str | None = None
    timeout: float | None = None
    retry: RetryPolicy | None = None
    force_refresh: bool = False
    allow_persistent: bool = False

    def __post_init__(self) -> None:
        check_timeout(self.timeout)
        if self.retry is not None:
            from .retry import check_retry

            check_retry(self.retry)


def check_timeout(timeout: float | None) -> None:
    """``timeout`` is None or a number of seconds in (0, 3600)."""
    if timeout is None:
        return
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 0 < timeout < 3600:
        raise InvalidParameterError([("timeout", "must be a number of seconds between 0 and 3600")])


#: every keyword of the call surface a provider parameter could collide with: the fields of
#: :class:`CallOptions`, the provider (the calls' first argument, also accepted by keyword) and
#: ``invalidate``'s ``rejected``
CORE_KEYWORDS: frozenset[str] = frozenset({f.name for f in fields(CallOptions)} | {"provider", "rejected"})
