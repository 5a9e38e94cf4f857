"""The :class:`Client`: owns HTTP pools, defaults, retries and (with ``get_token``) the token cache.

The flow of one call (``docs/architecture.md``): the call's keywords become one
:class:`~anytoken._call.CallOptions` → the request builder (``_prepare``) resolves the provider's plugin,
validates the parameters, resolves the base URL and credentials (explicit argument > client configuration >
environment variable), memoised per call → the ``create_token`` hook runs in the attempt loop
(``_attempts``) with retries under an overall deadline, failures translated into the error tree at one
boundary (``_failures``) → the result is checked to be a Token → one audit event. ``get_token`` goes
through the cache front (``cache._front``) and revocation through the revoker (``_revoke``), both composed
here.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._call import CallOptions, check_timeout
from ._minting import Minter
from ._prepare import RequestBuilder
from ._revoke import Revoker
from .declarations import ProviderInfo
from .errors import InvalidParameterError
from .plugins import Registry, registry_for
from .retry import RetryPolicy, check_retry
from .tokens import RevokeRequest, Token, TokenRequest

if TYPE_CHECKING:
    from ._http import HttpPools
    from .cache import TokenCache
    from .cache._front import CachedMinting

__all__ = ["Client"]

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESPONSE_BYTES = 1 << 20


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


class Client:
    """Mints tokens from any installed provider; sync and async; a context manager.

    ``create_token`` always mints; ``get_token`` returns a cached token while it is fresh (``docs/cache.md``);
    ``revoke_token`` revokes a minted token and drops its cached copies (``docs/using-tokens.md``).

    :param timeout: seconds for each phase (connect/read/write/pool) of one HTTP attempt (finite by default).
    :param retry: the :class:`~anytoken.RetryPolicy` (attempts, backoff, overall deadline).
    :param base_urls: provider -> base URL, overriding defaults and environment variables.
    :param credentials: provider -> {field: value} (or a single value for one-credential kinds).
    :param env: where environment variables are read (default ``os.environ``, read at call time; the plugin
        selection, ``ANYTOKEN_PLUGINS`` and its siblings, is read once, here).
    :param plugins: provider -> distribution, choosing between plugins that claim the same provider.
    :param allow_insecure_http: allow plain ``http://`` base URLs to non-loopback hosts.
    :param max_response_bytes: larger provider answers are refused without being read whole.
    :param transport / async_transport: httpx transports to use (tests, proxies, custom stacks). A transport
        you pass stays yours: the Client never closes it (not on eviction, not in ``close``); close it yourself.

    Lifecycle: ``close()`` / ``await aclose()`` (or ``with`` / ``async with``) release every pooled connection;
    a closed Client refuses further calls with :class:`~anytoken.errors.ClientClosedError`. The async pools of
    an event loop are closed inside that loop when it ends (``asyncio.run``, ``asyncio.Runner``), so a Client
    used from repeated ``asyncio.run`` calls needs no ``aclose`` per loop. Up to 32 connection pools are kept
    (one per base URL and credential set, per event loop for async); beyond that the least recently used is
    closed, after the calls still using it end.
    :param audit_log: write one JSON line per mint attempt to the ``anytoken.audit`` logger.
    :param cache: the :class:`~anytoken.cache.TokenCache` behind ``get_token`` (default: in memory;
        ``TokenCache(RedisBackend(...))`` shares tokens across processes).
    :param registry: the plugin registry (default: the one for ``env`` and ``plugins``, see
        :func:`anytoken.plugins.registry_for`: the process-wide one unless they select other plugins).
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        base_urls: Mapping[str, str] | None = None,
        credentials: Mapping[str, Mapping[str, str] | str] | None = None,
        env: Mapping[str, str] | None = None,
        plugins: Mapping[str, str] | None = None,
        allow_insecure_http: bool | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        transport: Any = None,
        async_transport: Any = None,
        audit_log: bool | None = None,
        cache: TokenCache | None = None,
        registry: Registry | None = None,
    ) -> None:
        check_timeout(timeout)
        if timeout is None:
            raise InvalidParameterError([("timeout", "must be a number of seconds between 0 and 3600")])
        self.timeout = float(timeout)
        self.retry = check_retry(retry) or RetryPolicy()
        env_map: Mapping[str, str] = os.environ if env is None else env
        self.registry = registry or registry_for(env_map, choices=plugins)
        # the collaborators reach back through a weak reference: no cycle keeps a dropped Client alive
        me = weakref.ref(self)
        self._builder = RequestBuilder(
            registry=self.registry,
            env=env_map,
            pools=lambda: _alive(me).pools,
            base_urls=base_urls,
            credentials=credentials,
            allow_insecure_http=(
                _truthy(env_map.get("ANYTOKEN_ALLOW_INSECURE_HTTP")) if allow_insecure_http is None else allow_insecure_http
            ),
        )
        self.max_response_bytes = max_response_bytes
        self._transport = transport
        self._async_transport = async_transport
        self._pools: HttpPools | None = None
        self._closed = False
        self._cache: TokenCache | None = cache
        self._cached: CachedMinting | None = None
        self._revoker = Revoker(self._builder, lambda: _alive(me).retry, lambda: _alive(me)._cache)
        self._init_lock = threading.RLock()
        auditors: list[Any] = []
        if audit_log or (audit_log is None and _truthy(env_map.get("ANYTOKEN_AUDIT_LOG"))):
            from .audit import JsonLinesAuditor

            auditors.append(JsonLinesAuditor())
        self._minter = minter = Minter(self.registry, lambda: _alive(me).retry, auditors)
        self._mint, self._amint = minter.mint, minter.amint
        if type(self).mint is not Client.mint:  # a subclass's mint / amint sees every mint, as a caller's would
            self._mint = lambda request, options: _alive(me).mint(request, timeout=options.timeout, retry=options.retry)
        if type(self).amint is not Client.amint:
            self._amint = lambda request, options: _alive(me).amint(request, timeout=options.timeout, retry=options.retry)

    def __repr__(self) -> str:
        return f"Client(timeout={self.timeout}, providers={sorted(self.base_urls) or 'defaults'})"

    @property
    def env(self) -> Mapping[str, str]:
        """Where environment variables are read (``os.environ`` unless ``env=`` was given)."""
        return self._builder.env

    @property
    def base_urls(self) -> dict[str, str]:
        """provider -> base URL, overriding defaults and environment variables (may be changed in place)."""
        return self._builder.base_urls

    @base_urls.setter
    def base_urls(self, value: Mapping[str, str]) -> None:
        before, self._builder.base_urls = self._builder.base_urls, dict(value)
        try:
            self._builder.check_configuration()  # changes made in place are checked when a call uses them
        except Exception:
            self._builder.base_urls = before
            raise

    @property
    def allow_insecure_http(self) -> bool:
        """Plain ``http://`` base URLs to non-loopback hosts are allowed."""
        return self._builder.allow_insecure_http

    @allow_insecure_http.setter
    def allow_insecure_http(self, value: bool) -> None:
        self._builder.allow_insecure_http = bool(value)

    # -- lifecycle ----------------------------------------------------------------------------------

    @property
    def cache(self) -> TokenCache:
        """The token cache behind ``get_token`` (an in-memory one unless given)."""
        if self._cache is None:
            with self._init_lock:
                if self._cache is None:
                    from .cache import TokenCache

                    self._cache = TokenCache()
        return self._cache

    @property
    def _front(self) -> CachedMinting:
        """The cache front behind ``get_token`` (built with the cache, on first use)."""
        front = self._cached
        if front is None:
            from .cache._front import CachedMinting

            with self._init_lock:
                me = weakref.ref(self)
                front = self._cached = self._cached or CachedMinting(
                    self._builder, self.cache, self._mint, self._amint, lambda: _alive(me).retry
                )
        return front

    @property
    def pools(self) -> HttpPools:
        if self._pools is None:
            with self._init_lock:
                return self._make_pools()
        return self._pools

    def _make_pools(self) -> HttpPools:
        if self._pools is None:
            from ._http import HttpPools
            from ._wire import wire_enabled

            backend = (self.env.get("ANYTOKEN_ASYNC_TRANSPORT") or "auto").strip().lower()
            if backend not in {"auto", "aiohttp", "httpx"}:
                raise InvalidParameterError([("ANYTOKEN_ASYNC_TRANSPORT", "must be auto, aiohttp or httpx")])
            if (self.env.get("ANYTOKEN_HTTP") or "wire").strip().lower() not in {"wire", "httpx"}:
                raise InvalidParameterError([("ANYTOKEN_HTTP", "must be wire (the default) or httpx")])
            self._pools = HttpPools(
                timeout=self.timeout,
                max_response_bytes=self.max_response_bytes,
                transport=self._transport,
                async_transport=self._async_transport,
                async_backend=backend,
                wire=wire_enabled(self.env),
            )
        return self._pools

    @property
    def closed(self) -> bool:
        """True after :meth:`close` / :meth:`aclose`: every further call raises ``ClientClosedError``."""
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            from .errors import ClientClosedError

            raise ClientClosedError()

    def close(self) -> None:
        """Close the pooled connections and the cache's (a pool in use is closed when its call ends)."""
        self._closed = True
        if self._cache is not None:
            self._cache.close()
        if self._pools is not None:
            self._pools.close()

    async def aclose(self) -> None:
        """:meth:`close`, also awaiting the running event loop's connections."""
        self._closed = True
        if self._cache is not None:
            await self._cache.aclose()
        if self._pools is not None:
            await self._pools.aclose()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
        self.close()

    # -- discovery ----------------------------------------------------------------------------------

    def list_providers(self) -> list[ProviderInfo]:
        """Declarations of every installed, usable provider."""
        return self.registry.providers()

    # -- request building ---------------------------------------------------------------------------

    def prepare(
        self,
        provider: str,
        *,
        kind: str | None = None,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> TokenRequest:
        """Validate everything about a call without touching the network."""
        self._check_open()
        return self._builder.prepare(provider, CallOptions(kind, credentials, base_url), params or {})

    def prepare_revoke(
        self, token: Token, *, credentials: Mapping[str, str] | str | None = None, base_url: str | None = None
    ) -> RevokeRequest:
        """Build the :class:`~anytoken.RevokeRequest` for ``token`` without touching the network."""
        self._check_open()
        return self._builder.prepare_revoke(token, credentials=credentials, base_url=base_url)

    # -- the call surface: each method turns its keywords into one CallOptions ---------------------

    def create_token(
        self,
        /,
        provider: str,
        *,
        kind: str | None = None,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        **params: Any,
    ) -> Token:
        """Mint a new token (always calls the provider). Raises an :class:`~anytoken.errors.AnytokenError`."""
        self._check_open()
        options = CallOptions(kind, credentials, base_url, timeout, retry).check()
        return self._mint(self._builder.prepared(provider, options, params).fresh(), options)

    async def acreate_token(
        self,
        /,
        provider: str,
        *,
        kind: str | None = None,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        **params: Any,
    ) -> Token:
        """Async twin of :meth:`create_token`, with real async I/O."""
        self._check_open()
        options = CallOptions(kind, credentials, base_url, timeout, retry).check()
        return await self._amint(self._builder.prepared(provider, options, params).fresh(), options)

    def get_token(
        self,
        /,
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
        options = CallOptions(kind, credentials, base_url, timeout, retry, force_refresh, allow_persistent).check()
        return self._front.get(provider, options, params)

    async def aget_token(
        self,
        /,
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
        self._check_open()
        options = CallOptions(kind, credentials, base_url, timeout, retry, force_refresh, allow_persistent).check()
        return await self._front.aget(provider, options, params)

    def invalidate(
        self,
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
        self._check_open()
        self._front.invalidate(provider, CallOptions(kind, credentials, base_url), params, rejected)

    async def ainvalidate(
        self,
        provider: str,
        *,
        kind: str | None = None,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        rejected: Token | None = None,
        **params: Any,
    ) -> None:
        """Async twin of :meth:`invalidate` (the Redis backend is used without blocking the loop)."""
        self._check_open()
        await self._front.ainvalidate(provider, CallOptions(kind, credentials, base_url), params, rejected)

    def revoke_token(
        self,
        token: Token,
        *,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Revoke ``token`` at its provider and drop every cached copy of it.

        Credentials and base URL resolve as for a mint (the key that minted the token is the one to pass).
        ``timeout`` and ``retry`` work as for :meth:`create_token`. Raises
        :class:`~anytoken.errors.NotRevocableError` for a kind that cannot be revoked.
        """
        self._check_open()
        CallOptions(timeout=timeout, retry=retry).check()
        self._revoker.revoke(token, credentials=credentials, base_url=base_url, timeout=timeout, retry=retry)

    async def arevoke_token(
        self,
        token: Token,
        *,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Async twin of :meth:`revoke_token`."""
        self._check_open()
        CallOptions(timeout=timeout, retry=retry).check()
        await self._revoker.arevoke(token, credentials=credentials, base_url=base_url, timeout=timeout, retry=retry)

    # -- minting ------------------------------------------------------------------------------------

    def mint(self, request: TokenRequest, *, timeout: float | None = None, retry: RetryPolicy | None = None) -> Token:
        """Run a prepared request through the plugin, with retries under the policy's deadline."""
        return self._minter.mint(request, CallOptions(timeout=timeout, retry=retry).check())

    async def amint(self, request: TokenRequest, *, timeout: float | None = None, retry: RetryPolicy | None = None) -> Token:
        """Async twin of :meth:`mint`; the deadline also bounds the attempt with ``asyncio.timeout``."""
        return await self._minter.amint(request, CallOptions(timeout=timeout, retry=retry).check())


def _alive(ref: weakref.ref[Client]) -> Client:
    """The Client behind a collaborator's weak reference (a collaborator runs only inside a call on it)."""
    client = ref()
    if client is None:  # pragma: no cover - nothing calls a collaborator of a Client that is gone
        from .errors import ClientClosedError

        raise ClientClosedError()
    return client
