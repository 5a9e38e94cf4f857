"""The options of one call: the keywords that ``create_token`` / ``get_token`` (module functions and Client
methods) take besides the provider and its parameters.

:class:`CallOptions` is the one place they are listed; :data:`CORE_KEYWORDS` derives from it the names a
provider parameter may not take (a parameter named ``timeout`` would be swallowed by the call's own
keyword, never reaching the plugin), which :class:`~anytoken.declarations.Param` refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import InvalidParameterError

if TYPE_CHECKING:
    from .retry import RetryPolicy

__all__ = ["CORE_KEYWORDS", "CallOptions"]


class CallOptions(NamedTuple):
    """The core keywords of one call: an immutable value, built once per call by the Client's methods and handed
    to the request builder, the mint and the cache front. :meth:`check` validates ``timeout`` and ``retry``
    (one-line :class:`InvalidParameterError` naming the field); credentials and the base URL are checked where
    they are resolved. A NamedTuple, not a frozen dataclass: it is built on every cache hit (0.4 vs 1.8 us)."""

    kind: str | None = None
    credentials: Mapping[str, str] | str | None = None
    base_url: str | None = None
    timeout: float | None = None
    retry: RetryPolicy | None = None
    force_refresh: bool = False
    allow_persistent: bool = False

    def check(self) -> CallOptions:
        """Raise InvalidParameterError for a bad ``timeout``, ``retry`` or flag; return the options."""
        if self.force_refresh is not False and self.force_refresh is not True:
            raise InvalidParameterError([("force_refresh", "must be True or False")])
        if self.allow_persistent is not False and self.allow_persistent is not True:
            raise InvalidParameterError([("allow_persistent", "must be True or False")])
        if self.timeout is not None:
            check_timeout(self.timeout)
        if self.retry is not None:
            from .retry import check_retry

            check_retry(self.retry)
        return self

    def __repr__(self) -> str:  # credentials are secrets: only which fields were given shows
        shown = self.keywords()
        if "credentials" in shown:
            creds = shown["credentials"]
            shown["credentials"] = sorted(creds) if isinstance(creds, Mapping) else "<given>"
        return f"CallOptions({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    def keywords(self) -> dict[str, Any]:
        """The options that differ from the defaults, as keywords of ``get_token`` / ``create_token``."""
        return {name: value for name, value in zip(self._fields, self, strict=True) if value != _DEFAULTS[name]}


def check_timeout(timeout: float | None) -> None:
    """``timeout`` is None or a number of seconds in (0, 3600)."""
    if timeout is None:
        return
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 0 < timeout < 3600:
        raise InvalidParameterError([("timeout", "must be a number of seconds between 0 and 3600")])


#: every keyword of the call surface a provider parameter could collide with: the fields of
#: :class:`CallOptions`, the provider (the calls' first argument, also accepted by keyword) and
#: ``invalidate``'s ``rejected``
CORE_KEYWORDS: frozenset[str] = frozenset({*CallOptions._fields, "provider", "rejected"})
_DEFAULTS: dict[str, Any] = dict(CallOptions._field_defaults)
