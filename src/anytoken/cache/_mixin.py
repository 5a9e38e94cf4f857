"""``get_token`` / ``aget_token`` / ``invalidate`` for :class:`~anytoken.Client` (mixed in by the client)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import AnytokenError, UsageError
from ._key import cache_key

if TYPE_CHECKING:
    from ..retry import RetryPolicy
    from ..tokens import Token, TokenRequest
    from ._cache import TokenCache

__all__ = ["CachingMixin", "check_cacheable"]


class _ClientLike(Protocol):
    __dict__: dict[str, Any]

    @property
    def cache(self) -> TokenCache: ...

    @property
    def env(self) -> Mapping[str, str]: ...

    @property
    def retry(self) -> RetryPolicy: ...

    def _check_open(self) -> None: ...

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


_MEMO_SIZE = 1024
_MemoEntry = tuple[str, tuple[str, ...], tuple[Any, ...]]


def _freeze(value: Any) -> Any:
    """A hashable stand-in for call arguments (raises TypeError for values it cannot freeze)."""
    if isinstance(value, Mapping):
        try:
            return frozenset(value.items())  # the common case: flat, hashable values
        except TypeError:
            return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    hash(value)
    return value


def _env_values(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[Any, ...]:
    """The current values of ``names``. For ``os.environ`` its underlying bytes dict is read directly:
    ``os.environ.get`` encodes and decodes on every call, which would be most of a cache hit's cost."""
    if env is os.environ:
        raw = getattr(os.environ, "_data", None)
        if isinstance(raw, dict):
            return tuple(raw.get(os.fsencode(n)) for n in names)
    return tuple(env.get(n) for n in names)


def _env_vars(request: TokenRequest) -> tuple[str, ...]:
    """The environment variables ``prepare`` consulted for this request (credentials, base URL)."""
    kind = request.kind_info
    names = [env for name in (*kind.credentials, *kind.optional_credentials) for env in request.info.credential(name).env]
    names += [env for p in kind.params for env in p.env]
    if request.info.base_url_env:
        names.append(request.info.base_url_env)
    return tuple(names)


def _key_for(
    client: _ClientLike,
    provider: str,
    kind: str | None,
    credentials: Mapping[str, str] | str | None,
    base_url: str | None,
    params: Mapping[str, Any],
    allow_persistent: bool,
) -> str:
    """The cache key of a call. A hit path must not pay for ``prepare`` (validation, URL and credential
    resolution: ~20 us), so keys are memoised per call arguments, and reused while the environment
    variables the call depends on hold the same values."""
    try:
        configured = getattr(client, "base_urls", {}).get(provider)  # Client(base_urls=...) may be changed later
        fast: Any = (provider, kind, base_url, configured, _freeze(credentials), _freeze(params), allow_persistent)
    except TypeError:
        fast = None
    memo: dict[Any, _MemoEntry] = client.__dict__.setdefault("_get_token_memo", {})
    if fast is not None:
        entry = memo.get(fast)
        if entry is not None:
            key, names, values = entry
            if _env_values(client.env, names) == values:
                return key
    request = client.prepare(provider, kind=kind, credentials=credentials, base_url=base_url, params=params)
    check_cacheable(request, allow_persistent=allow_persistent)
    key = cache_key(request)
    if fast is not None and len(memo) < _MEMO_SIZE:
        names = _env_vars(request)
        memo[fast] = (key, names, _env_values(client.env, names))
    return key


def _located(exc: AnytokenError, provider: str, kind: str | None) -> AnytokenError:
    """The error with the call's provider and kind when it has none (raised by the cache itself)."""
    if exc.provider is None:
        exc.provider, exc.kind = provider, kind
    return exc


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
        self._check_open()  # a closed client refuses even a cached token
        key = _key_for(self, provider, kind, credentials, base_url, params, allow_persistent)

        def mint() -> Token:
            request = self.prepare(provider, kind=kind, credentials=credentials, base_url=base_url, params=params)
            return self.mint(request, timeout=timeout, retry=retry)

        wait = (retry or self.retry).deadline  # waiting for another caller's mint is bounded by this call's deadline
        try:
            return self.cache.get_or_mint(key, mint, force_refresh=force_refresh, wait=wait)
        except AnytokenError as exc:
            raise _located(exc, provider, kind) from None

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
        self._check_open()  # a closed client refuses even a cached token
        key = _key_for(self, provider, kind, credentials, base_url, params, allow_persistent)

        async def amint() -> Token:
            request = self.prepare(provider, kind=kind, credentials=credentials, base_url=base_url, params=params)
            return await self.amint(request, timeout=timeout, retry=retry)

        wait = (retry or self.retry).deadline
        try:
            return await self.cache.aget_or_mint(key, amint, force_refresh=force_refresh, wait=wait)
        except AnytokenError as exc:
            raise _located(exc, provider, kind) from None

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
