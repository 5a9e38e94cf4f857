"""The :class:`Client`: owns HTTP pools, defaults, retries and (with ``get_token``) the token cache.

The flow of one call (``docs/architecture.md``): resolve the provider's plugin (entry points, importing
only that plugin) → validate parameters against its declaration → resolve the base URL and credentials
(explicit argument > client configuration > environment variable) → call the ``create_token`` hook with
retries under an overall deadline → translate transport failures into the error tree at one boundary
(:func:`_translate`) → check the result is a Token → emit one audit event.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from ._attempts import arun_attempts, remaining, run_attempts
from ._call import check_timeout
from ._credentials import client_credentials, resolve_credentials
from ._failures import give_up_or_wait, plugin_error, translate
from ._revoke import RevokingMixin
from ._secrets import Secret, fingerprint
from .cache import CachingMixin
from .cache._mixin import _MEMO_SIZE, _env_values, _env_vars, _freeze
from .declarations import ProviderInfo, TokenKind
from .errors import (
    AnytokenError,
    InvalidParameterError,
    MissingBaseURLError,
)
from .plugins import Registry, registry_for
from .retry import Attempt, RetryPolicy, check_retry
from .tokens import RevokeRequest, Token, TokenRequest

if TYPE_CHECKING:
    from ._http import HttpPools
    from .cache import TokenCache

__all__ = ["Client"]

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESPONSE_BYTES = 1 << 20


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


class Client(CachingMixin, RevokingMixin):
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
        self._env = env
        self.base_urls = dict(base_urls or {})
        self._credentials = {p: client_credentials(p, v) for p, v in (credentials or {}).items()}
        self.registry = registry or registry_for(self.env, choices=plugins)
        self.allow_insecure_http = (
            _truthy(self.env.get("ANYTOKEN_ALLOW_INSECURE_HTTP")) if allow_insecure_http is None else allow_insecure_http
        )
        self.max_response_bytes = max_response_bytes
        self._transport = transport
        self._async_transport = async_transport
        self._pools: HttpPools | None = None
        self._closed = False
        self._cache: TokenCache | None = cache
        self._init_lock = threading.RLock()
        self._auditors: list[Any] = []
        self._prepare_memo: dict[Any, tuple[TokenRequest, tuple[str, ...], tuple[Any, ...]]] = {}
        if audit_log or (audit_log is None and _truthy(self.env.get("ANYTOKEN_AUDIT_LOG"))):
            from .audit import JsonLinesAuditor

            self._auditors.append(JsonLinesAuditor())

    def __repr__(self) -> str:
        return f"Client(timeout={self.timeout}, providers={sorted(self.base_urls) or 'defaults'})"

    @property
    def env(self) -> Mapping[str, str]:
        return os.environ if self._env is None else self._env

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
        info = self.registry.provider(provider)
        kind_info = info.kind(kind)
        clean = kind_info.validate(self._params_from_env(kind_info, params or {}), provider=info.name)
        environment = None
        if info.env_param and info.env_param in clean:
            environment = str(clean[info.env_param])
        derived = info.base_url_from(clean) if info.base_url_from is not None and base_url is None else None
        url = derived or self._base_url(info, base_url, environment)
        from ._http import check_base_url
        from ._http_session import HttpSession

        url = check_base_url(url, provider=info.name, allow_insecure_http=self.allow_insecure_http)
        creds = self._resolve_credentials(info, kind_info, credentials)
        return TokenRequest(
            provider=info.name,
            kind=kind_info.name,
            params=clean,
            credentials=creds,
            base_url=url,
            http=HttpSession(self.pools, url),
            info=info,
            kind_info=kind_info,
            idempotency_key=_idempotency_key(),
            environment=environment,
        )

    def _prepared(
        self,
        provider: str,
        kind: str | None,
        credentials: Mapping[str, str] | str | None,
        base_url: str | None,
        params: Mapping[str, Any],
    ) -> TokenRequest:
        """:meth:`prepare`, memoised per call arguments as ``get_token``'s cache key is: validation, URL checks
        and credential resolution run once per distinct call while the environment variables they read keep
        their values (~25% of anytoken's own per-mint CPU otherwise). Each call gets its own idempotency key
        and its own copy of the parameters."""
        try:
            fast: Any = (
                provider,
                kind,
                base_url,
                self.base_urls.get(provider),
                _freeze(credentials),
                _freeze(params),
                self.allow_insecure_http,
            )
        except TypeError:
            fast = None
        memo = self._prepare_memo
        if fast is not None:
            entry = memo.get(fast)
            if entry is not None and _env_values(self.env, entry[1]) == entry[2]:
                r = entry[0]
                return TokenRequest(
                    r.provider,
                    r.kind,
                    dict(r.params),
                    r.credentials,
                    r.base_url,
                    r.http,
                    r.info,
                    r.kind_info,
                    _idempotency_key(),
                    r.environment,
                )
        request = self.prepare(provider, kind=kind, credentials=credentials, base_url=base_url, params=params)
        if fast is not None and len(memo) < _MEMO_SIZE:
            names = _env_vars(request)
            memo[fast] = (request, names, _env_values(self.env, names))
        return request

    def _params_from_env(self, kind: TokenKind, params: Mapping[str, Any]) -> Mapping[str, Any]:
        """``params`` plus declared parameters read from their environment variables (``Param.env``)."""
        filled: dict[str, Any] | None = None
        for p in kind.params:
            if p.env and params.get(p.name) is None:
                value = next((self.env[e] for e in p.env if self.env.get(e)), None)
                if value is not None:
                    filled = filled if filled is not None else dict(params)
                    filled[p.name] = value
        return params if filled is None else filled

    def _base_url(self, info: ProviderInfo, explicit: str | None, environment: str | None) -> str:
        if explicit is not None:
            return explicit
        if info.name in self.base_urls:
            return self.base_urls[info.name]
        if info.base_url_env and self.env.get(info.base_url_env):
            return self.env[info.base_url_env]
        urls = dict(info.base_urls)
        if environment is not None and environment in urls:
            return urls[environment]
        if info.base_urls:
            return info.base_urls[0][1]
        raise MissingBaseURLError(info.name, info.base_url_env, info.base_url_example)

    def _resolve_credentials(self, info: ProviderInfo, kind: TokenKind, explicit: Mapping[str, str] | str | None) -> dict[str, Secret]:
        return resolve_credentials(info, kind, explicit, configured=self._credentials.get(info.name), env=self.env)

    # -- minting ------------------------------------------------------------------------------------

    def create_token(
        self,
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
        request = self._prepared(provider, kind, credentials, base_url, params)
        return self.mint(request, timeout=timeout, retry=retry)

    async def acreate_token(
        self,
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
        request = self._prepared(provider, kind, credentials, base_url, params)
        return await self.amint(request, timeout=timeout, retry=retry)

    def mint(self, request: TokenRequest, *, timeout: float | None = None, retry: RetryPolicy | None = None) -> Token:
        """Run a prepared request through the plugin, with retries under the policy's deadline."""
        policy = check_retry(retry) or self.retry
        check_timeout(timeout)
        create, _ = self.registry.callers(request.provider)
        started = time.monotonic()
        deadline = started + policy.deadline if policy.deadline is not None else None

        def once() -> Token:
            with request.http.call():  # the pools this attempt uses stay open until it ends
                return self._check_result(request, create(request=request))

        token, error, attempts = run_attempts(
            once,
            translate=partial(self._translate, request=request),
            decide=self._decider(request, policy, deadline),
            timeout=timeout,
            deadline=deadline,
        )
        self._audit(request, started, attempts, token=token, error=error)
        if error is not None:
            raise error  # raised outside any except block: no third-party exception in its context
        assert token is not None
        return token

    async def amint(self, request: TokenRequest, *, timeout: float | None = None, retry: RetryPolicy | None = None) -> Token:
        """Async twin of :meth:`mint`; the deadline also bounds the attempt with ``asyncio.timeout``."""
        import asyncio

        policy = check_retry(retry) or self.retry
        check_timeout(timeout)
        _, acreate = self.registry.callers(request.provider)
        started = time.monotonic()
        deadline = started + policy.deadline if policy.deadline is not None else None

        async def once() -> Token:
            async with request.http.acall():
                awaitable = acreate(request=request)
                if awaitable is None:
                    return self._check_result(request, None)
                async with asyncio.timeout(remaining(deadline)):
                    result = await awaitable
                return self._check_result(request, result)

        token, error, attempts = await arun_attempts(
            once,
            translate=partial(self._translate, request=request),
            decide=self._decider(request, policy, deadline),
            timeout=timeout,
            deadline=deadline,
        )
        self._audit(request, started, attempts, token=token, error=error)
        if error is not None:
            raise error
        assert token is not None
        return token

    def _translate(self, exc: Exception, request: TokenRequest | RevokeRequest) -> Attempt:
        """Map any exception of an attempt into the error tree (``_failures.translate``)."""
        return translate(exc, request, self.registry)

    @staticmethod
    def _decider(request: TokenRequest, policy: RetryPolicy, deadline: float | None) -> Callable[[Attempt, int], tuple[AnytokenError | None, float]]:
        kind = request.kind_info
        return lambda failure, attempt: give_up_or_wait(
            failure, attempt, policy, deadline, idempotent=kind.idempotent, persistent=request if kind.persistent else None
        )

    def _check_result(self, request: TokenRequest, result: object) -> Token:
        if isinstance(result, Token):
            if result.provider != request.provider or result.kind != request.kind:
                raise plugin_error(
                    self.registry, request, f"returned a {result.provider}/{result.kind} token for a {request.provider}/{request.kind} request"
                )
            return result._mask_also(request.secrets())  # the typed raw answer never prints a credential
        if result is None:
            raise plugin_error(self.registry, request, "no plugin answered create_token for this provider")
        raise plugin_error(self.registry, request, f"create_token returned {type(result).__name__}, not a Token")

    # -- audit --------------------------------------------------------------------------------------

    def _audit(
        self, request: TokenRequest, started: float, attempts: int, *, token: Token | None = None, error: AnytokenError | None = None
    ) -> None:
        hook = self.registry.pm.hook.anytoken_audit
        impls = hook.get_hookimpls()
        if not self._auditors and not impls:
            return
        from .audit import AuditEvent

        event = AuditEvent(
            time=datetime.now(UTC),
            provider=request.provider,
            kind=request.kind,
            outcome="success" if error is None else type(error).__name__,
            attempts=attempts,
            duration_s=round(time.monotonic() - started, 6),
            credential_fingerprints={k: fingerprint(v.get()) for k, v in request.credentials.items()},
            token_id=token.id if token else None,
            expires_at=token.expires_at if token else None,
            status=error.status if error else None,
            request_id=error.request_id if error else None,
            error=str(error) if error else None,
        )
        for fn in [*(a.anytoken_audit for a in self._auditors), *(impl.function for impl in impls)]:
            try:
                fn(event=event)
            except Exception:  # an auditor must never break minting
                import logging

                logging.getLogger("anytoken").warning("an audit hook failed: %s", getattr(fn, "__qualname__", fn))



def _idempotency_key() -> str:
    """128 random bits as 32 hex digits (uuid4's strength without importing uuid: ~2 ms at start-up)."""
    return os.urandom(16).hex()
