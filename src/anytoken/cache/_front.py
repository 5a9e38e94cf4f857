"""The cache front of a :class:`~anytoken.Client`: what ``get_token`` / ``aget_token`` / ``invalidate`` /
``ainvalidate`` do, composed into the Client (``Client._front``) with the collaborators it is given.

A call's :class:`~anytoken._call.CallOptions` and parameters → its memoised request
(:class:`~anytoken._prepare.RequestBuilder`) → the cache key stored beside it → the
:class:`~anytoken.cache.TokenCache`, which serves a fresh token or runs ``mint`` (single-flight per key).
A hit pays for neither validation nor resolution: only for the memo lookup and the cache read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import AnytokenError, UsageError
from ._key import cache_key

if TYPE_CHECKING:
    from .._call import CallOptions
    from .._prepare import Prepared, RequestBuilder
    from ..retry import RetryPolicy
    from ..tokens import Token, TokenRequest
    from ._cache import TokenCache

__all__ = ["CachedMinting", "check_cacheable"]


def check_cacheable(request: TokenRequest, *, allow_persistent: bool = False) -> None:
    """Raise :class:`~anytoken.errors.UsageError` unless the request's kind may be served from a cache."""
    kind = request.kind_info
    if not kind.reusable:
        raise UsageError(
            f"{request.provider}/{request.kind} tokens are single-use and never cached: use create_token to mint one",
            provider=request.provider,
            kind=request.kind,
        )
    if kind.persistent and not allow_persistent:
        raise UsageError(
            f"minting {request.provider}/{request.kind} tokens can create a resource at the provider that lives until it is revoked or expires, "
            "so get_token does not cache it by default: use create_token to mint one, or pass allow_persistent=True "
            "to reuse one cached token",
            provider=request.provider,
            kind=request.kind,
        )


def _located(exc: AnytokenError, provider: str, kind: str | None) -> AnytokenError:
    """The error with the call's provider and kind when it has none (raised by the cache itself)."""
    if exc.provider is None:
        exc.provider, exc.kind = provider, kind
    return exc


def _key(entry: Prepared) -> str:
    key = entry.cache_key
    if key is None:
        key = entry.cache_key = cache_key(entry.request)
    return key


class CachedMinting:
    """Cached minting over a :class:`TokenCache`: the Client's ``get_token`` family, given what it needs.

    :param builder: the Client's request builder (validation, resolution, the memo).
    :param cache: the token cache.
    :param mint / amint: mint a prepared request under the call's options (the Client's attempt loop).
    :param default_retry: the Client's retry policy, read at call time (its deadline bounds the wait for
        another caller's mint when the call gives none).
    """

    __slots__ = ("_amint", "_builder", "_default_retry", "_mint", "cache")

    def __init__(
        self,
        builder: RequestBuilder,
        cache: TokenCache,
        mint: Callable[[TokenRequest, CallOptions], Token],
        amint: Callable[[TokenRequest, CallOptions], Awaitable[Token]],
        default_retry: Callable[[], RetryPolicy],
    ) -> None:
        self._builder = builder
        self.cache = cache
        self._mint = mint
        self._amint = amint
        self._default_retry = default_retry

    def _entry(self, provider: str, options: CallOptions, params: Mapping[str, Any]) -> tuple[str, Prepared]:
        entry = self._builder.prepared(provider, options, params)
        check_cacheable(entry.request, allow_persistent=options.allow_persistent)
        return _key(entry), entry

    def _wait(self, options: CallOptions) -> float | None:
        """Waiting for another caller's mint is bounded by this call's deadline."""
        return (options.retry or self._default_retry()).deadline

    def get(self, provider: str, options: CallOptions, params: Mapping[str, Any]) -> Token:
        """A cached token while it is fresh, a newly minted one otherwise."""
        key, entry = self._entry(provider, options, params)
        try:
            return self.cache.get_or_mint(
                key, lambda: self._mint(entry.fresh(), options), force_refresh=options.force_refresh, wait=self._wait(options)
            )
        except AnytokenError as exc:
            raise _located(exc, provider, options.kind) from None

    async def aget(self, provider: str, options: CallOptions, params: Mapping[str, Any]) -> Token:
        """Async twin of :meth:`get`."""
        key, entry = self._entry(provider, options, params)
        try:
            return await self.cache.aget_or_mint(
                key, lambda: self._amint(entry.fresh(), options), force_refresh=options.force_refresh, wait=self._wait(options)
            )
        except AnytokenError as exc:
            raise _located(exc, provider, options.kind) from None

    def invalidate(self, provider: str, options: CallOptions, params: Mapping[str, Any], rejected: Token | None) -> None:
        """Drop the cached token for these arguments (only ``rejected`` when given)."""
        self.cache.invalidate(_key(self._builder.prepared(provider, options, params)), rejected)

    async def ainvalidate(self, provider: str, options: CallOptions, params: Mapping[str, Any], rejected: Token | None) -> None:
        """Async twin of :meth:`invalidate`."""
        await self.cache.ainvalidate(_key(self._builder.prepared(provider, options, params)), rejected)
