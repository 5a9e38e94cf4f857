"""``get_token`` / ``aget_token`` / ``invalidate`` for :class:`~anytoken.Client` (mixed in by the client)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import UsageError
from ._key import cache_key

if TYPE_CHECKING:
    from ..retry import RetryPolicy
    from ..tokens import Token, TokenRequest
    from ._cache import TokenCache

__all__ = ["CachingMixin", "check_cacheable"]


class _ClientLike(Protocol):
    cache: TokenCache

    def prepare(
        self,
        provider: str,
        *,
        kind: str | None = ...,
        credentials: Mapping[str, str] | str | None = ...,
        base_url: str | None = ...,
        params: Mapping[str, Any] | None = ...,
    ) -> TokenRequest: ...

    def mint(self, request: TokenRequest, *, timeout: float | None = ..., retry: RetryPolicy | None = ...) -> Token: ...

    async def amint(self, request: TokenRequest, *, timeout: float | None = ..., retry: RetryPolicy | None = ...) -> Token: ...


def check_cacheable(request: TokenRequest, *, allow_persistent: bool = False) -> None:
    """Raise :class:`~anytoken.errors.UsageError` unless the request's kind may be served from a cache."""
    kind = request.kind_info
    where = {"provider": request.provider, "kind": request.kind}
    if not kind.reusable:
        raise UsageError(
            f"{request.provider}/{request.kind} tokens are single-use and never cached: use create_token to mint one",
            **where,  # type: ignore[arg-type]
        )
    if kind.persistent and not allow_persistent:
        raise UsageError(
            f"minting a {request.provider}/{request.kind} token creates a resource at the provider that lives until revoked, "
            "so get_token does not cache it by default: use create_token to mint one, or pass allow_persistent=True "
            "to reuse one cached token",
            **where,  # type: ignore[arg-type]
        )


class CachingMixin:
    """Cached minting for a client that has ``prepare``, ``mint``, ``amint`` and a ``cache`` (a TokenCache)."""

    def get_token(
        self: _ClientLike,
        provider: str,
        *,
        kind: str | None = None,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        force_refresh: bool = False,
        allow_persistent: bool = False,
        **params: Any,
    ) -> Token:
        """A cached token while it is fresh, a newly minted one otherwise (``docs/cache.md``).

        Only for reusable kinds; kinds whose minting creates a persistent resource need
        ``allow_persistent=True``. ``force_refresh=True`` mints a new token (one per key, however many ask).
        """
        request = self.prepare(provider, kind=kind, credentials=credentials, base_url=base_url, params=params)
        check_cacheable(request, allow_persistent=allow_persistent)
        return self.cache.get_or_mint(
            cache_key(request), lambda: self.mint(request, timeout=timeout, retry=retry), force_refresh=force_refresh
        )

    async def aget_token(
        self: _ClientLike,
        provider: str,
        *,
        kind: str | None = None,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        force_refresh: bool = False,
        allow_persistent: bool = False,
        **params: Any,
    ) -> Token:
        """Async twin of :meth:`get_token`."""
        request = self.prepare(provider, kind=kind, credentials=credentials, base_url=base_url, params=params)
        check_cacheable(request, allow_persistent=allow_persistent)
        return await self.cache.aget_or_mint(
            cache_key(request), lambda: self.amint(request, timeout=timeout, retry=retry), force_refresh=force_refresh
        )

    def invalidate(
        self: _ClientLike,
        provider: str,
        *,
        kind: str | None = None,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        rejected: Token | None = None,
        **params: Any,
    ) -> None:
        """Drop the cached token for these arguments, e.g. after the provider rejected it.

        With ``rejected=token`` only that token is dropped: a newer one another caller already minted stays.
        """
        request = self.prepare(provider, kind=kind, credentials=credentials, base_url=base_url, params=params)
        self.cache.invalidate(cache_key(request), rejected)

    async def ainvalidate(
        self: _ClientLike,
        provider: str,
        *,
        kind: str | None = None,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        rejected: Token | None = None,
        **params: Any,
    ) -> None:
        """Async twin of :meth:`invalidate` (the Redis backend is used without blocking the loop)."""
        request = self.prepare(provider, kind=kind, credentials=credentials, base_url=base_url, params=params)
        await self.cache.ainvalidate(cache_key(request), rejected)
