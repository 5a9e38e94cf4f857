"""When a cached token is fresh, when it must be refreshed, and what a cache entry holds."""

from __future__ import annotations

import attrs

from ..tokens import Token

__all__ = ["CachedToken", "RefreshPolicy"]


def _nonneg(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{attribute.name} must be a number >= 0")


def _fraction(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value < 1:
        raise ValueError(f"{attribute.name} must be a number in [0, 1)")


@attrs.frozen
class CachedToken:
    """A token as the cache holds it, with its two windows as epoch seconds.

    ``fresh_until``: served from the cache, no questions asked, until then (the advisory window starts).
    ``usable_until``: after it (the mandatory window) the token is never served: callers wait for a new one.
    """

    token: Token
    fresh_until: float
    usable_until: float


@attrs.frozen
class RefreshPolicy:
    """How early a cached token is refreshed, scaled to its lifetime.

    The margins before expiry are ``min(max, fraction * lifetime)`` (lifetime = ``expires_at - issued_at``):

    * advisory: ``min(advisory_max, advisory_fraction * lifetime)`` — 25 % capped at 15 min. In this window
      one caller refreshes while the others keep getting the still-valid token; a failed refresh is logged
      and retried after ``retry_interval`` seconds, never raised.
    * mandatory: ``min(mandatory_max, mandatory_fraction * lifetime)`` — 10 % capped at 1 min (botocore's
      new mandatory window, scaled down for short tokens). In this window every caller waits for the
      refresh; a failure raises.

    A 60 s token is thus served as is for 45 s, served while one caller refreshes until 54 s, and never
    handed out in its last 6 s. A 1 h token: 45 min, 59 min.

    Tokens whose expiry is unknown are cached for ``unknown_ttl`` seconds (None or 0: not cached), then
    minted again (the refresh is mandatory: we cannot know whether the old one still works).
    ``min_usable``: a token that would be usable from the cache for less than this is not cached.
    """

    advisory_fraction: float = attrs.field(default=0.25, validator=_fraction)
    advisory_max: float = attrs.field(default=900.0, validator=_nonneg)
    mandatory_fraction: float = attrs.field(default=0.10, validator=_fraction)
    mandatory_max: float = attrs.field(default=60.0, validator=_nonneg)
    unknown_ttl: float | None = 300.0
    retry_interval: float = attrs.field(default=5.0, validator=_nonneg)
    min_usable: float = attrs.field(default=1.0, validator=_nonneg)

    def __attrs_post_init__(self) -> None:
        if self.unknown_ttl is not None:
            _nonneg(self, attrs.fields(RefreshPolicy).unknown_ttl, self.unknown_ttl)  # type: ignore[arg-type]

    def margins(self, lifetime: float) -> tuple[float, float]:
        """(advisory, mandatory) margins in seconds before expiry for a token living ``lifetime`` seconds."""
        lifetime = max(lifetime, 0.0)
        mandatory = min(self.mandatory_max, self.mandatory_fraction * lifetime)
        advisory = max(min(self.advisory_max, self.advisory_fraction * lifetime), mandatory)
        return advisory, mandatory

    def entry(self, token: Token, now: float) -> CachedToken | None:
        """The cache entry for a token minted at epoch ``now``; None when it should not be cached."""
        if token.expires_at is None:
            if not self.unknown_ttl:
                return None
            until = now + self.unknown_ttl
            return CachedToken(token, until, until)
        expires = token.expires_at.timestamp()
        issued = min(token.issued_at.timestamp(), now)
        advisory, mandatory = self.margins(expires - issued)
        usable = expires - mandatory
        if usable - now < self.min_usable:
            return None
        return CachedToken(token, expires - advisory, usable)
