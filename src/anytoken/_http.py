"""HTTP plumbing: pooled httpx clients, per-call timeouts, response size limits, URL safety.

One :class:`HttpPools` belongs to one :class:`~anytoken.Client`. It keeps one ``httpx.Client`` per
(base URL, header set) and one ``httpx.AsyncClient`` per (event loop, base URL, header set), so
connections are reused and no client is built per call (building one costs ~20 ms). Plugins reach them
through :class:`HttpSession` (``request.http``).

Per-call timeouts travel in a context variable read by a request hook, so one pooled client serves calls
with different timeouts and deadlines, in threads and asyncio tasks alike.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import ssl
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager, suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from . import _pool_lifecycle as _lifecycle
from ._context import last_response
from ._http_limits import (
    AsyncLimitedTransport,
    DeadlineReachedError,
    LimitedTransport,
    ResponseTooLargeError,
    call_deadline,
    call_timeout,
)
from ._pool_lifecycle import LeasedLRU, LoopHook, Pool, enter_scope, exit_scope, orphan
from ._wire import proxy_for
from .errors import InsecureTransportError, InvalidParameterError

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "DeadlineReachedError",
    "HttpPools",
    "ResponseTooLargeError",
    "call_deadline",
    "call_timeout",
    "check_base_url",
]

_USER_AGENT = "anytoken"
#: pools kept per client (per event loop for async): the least recently used is evicted beyond this
MAX_POOLS = 32


_checked_urls: dict[tuple[str, bool], str] = {}


def check_base_url(url: str, *, provider: str, allow_insecure_http: bool) -> str:
    """Validate a base URL; refuse plain http:// to anything but loopback unless explicitly allowed.

    Accepted URLs are remembered (a bounded dict): the check runs once per distinct URL, not per call.
    """
    key = (url, allow_insecure_http) if isinstance(url, str) else None
    if key is not None and key in _checked_urls:
        return _checked_urls[key]
    checked = _check_base_url(url, provider=provider, allow_insecure_http=allow_insecure_http)
    if key is not None and len(_checked_urls) < 1024:
        _checked_urls[key] = checked
    return checked


def _check_base_url(url: str, *, provider: str, allow_insecure_http: bool) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InvalidParameterError([("base_url", "must be an http(s) URL")], provider=provider)
    url = url.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme not in {"http", "https"} or not host:
        raise InvalidParameterError([("base_url", f"must be an http(s) URL, got {shown_url(url)!r}")], provider=provider)
    if parts.username or parts.password:
        raise InvalidParameterError([("base_url", "must not embed credentials")], provider=provider)
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(host):
        raise InsecureTransportError(
            f"refusing to send credentials over plain http:// to {host}: use https://, or pass "
            "allow_insecure_http=True (ANYTOKEN_ALLOW_INSECURE_HTTP=1) if you really mean it",
            provider=provider,
        )
    return url


def shown_url(url: str, *, path: bool = True) -> str:
    """``url`` for an error message: the scheme (what a typo such as ``htps://`` gets wrong), host and path
    (not with ``path=False``: a checked base URL's path may carry a key too); never the userinfo
    (``user:password@``) nor the query or fragment (they may carry a key)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        rest = url
    end = min([i for i in (rest.find(c) for c in "/?#") if i >= 0] or [len(rest)])
    host = rest[:end].rpartition("@")[2]
    if not path:
        return (f"{scheme}://" if sep else "") + host
    where, cut, _ = rest[end:].partition("?")
    where, cut2, _ = where.partition("#")
    shown = (f"{scheme}://" if sep else "") + host + where + ("?..." if cut or cut2 else "")
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _headers_key(base_url: str, headers: Mapping[str, str]) -> str:
    h = hashlib.sha256(base_url.encode())
    for k, v in sorted(headers.items()):
        h.update(b"\0" + k.lower().encode() + b"\0" + v.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class _NoCookies(httpx.Cookies):
    """A token client keeps no cookies: nothing a provider sets can ride along into the next call."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


_MERGE_CACHE_SIZE = 512


class _PoolBehaviour:
    """What both pooled client classes add to httpx's: a cached base-URL merge (generated clients pass relative
    URLs; merging them costs two URL parses per call) and no cookie persistence."""

    _cookies: httpx.Cookies

    def _pool_init(self) -> None:
        self._cookies = _NoCookies()
        self._merged: dict[str, httpx.URL] = {}

    def _merge_url(self, url: httpx.URL | str) -> httpx.URL:
        if not isinstance(url, str):
            return super()._merge_url(url)  # type: ignore[misc, no-any-return]
        merged = self._merged.get(url)
        if merged is None:
            merged = super()._merge_url(url)  # type: ignore[misc]
            if len(self._merged) < _MERGE_CACHE_SIZE:
                self._merged[url] = merged
        return merged


class _PooledClient(_PoolBehaviour, httpx.Client):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pool_init()


class _PooledAsyncClient(_PoolBehaviour, httpx.AsyncClient):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pool_init()


def _apply_call_timeout(request: httpx.Request) -> None:
    seconds = call_timeout.get()
    deadline = call_deadline.get()
    if seconds is None and deadline is None:
        return
    current: dict[str, float | None] = dict(request.extensions.get("timeout") or {})
    if seconds is not None:
        current = dict.fromkeys(("connect", "read", "write", "pool"), seconds)
    if deadline is not None:
        left = max(deadline - time.monotonic(), 0.001)
        current = {phase: left if v is None else min(v, left) for phase, v in current.items()}
    request.extensions["timeout"] = current


async def _aapply_call_timeout(request: httpx.Request) -> None:
    _apply_call_timeout(request)


def _remember(response: httpx.Response) -> None:
    last_response.set(response)


async def _aremember(response: httpx.Response) -> None:
    last_response.set(response)


_verify_context: ssl.SSLContext | None = None
_verify_lock = threading.Lock()


def _ssl_context(base_url: str) -> ssl.SSLContext:
    """The TLS context for a pool. Building httpx's default (certifi's CA bundle) costs ~25 ms, and httpx
    builds one per client even for plain http: plain-http pools get an empty context they never use, https
    pools share one verifying context per process."""
    global _verify_context
    if base_url.startswith("http://"):
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # ~0.4 ms; no TLS is ever spoken on it
    if _verify_context is None:
        with _verify_lock:
            if _verify_context is None:
                _verify_context = httpx.create_ssl_context()
    return _verify_context


class _LoopPools:
    """The async pools of one event loop, and the hook that closes them when the loop ends."""

    __slots__ = ("hook", "lru")

    def __init__(self, lru: LeasedLRU, hook: LoopHook) -> None:
        self.lru = lru
        self.hook = hook


class HttpPools:
    """The HTTP clients of one anytoken Client.

    Lifecycle (``_pool_lifecycle``): at most :data:`MAX_POOLS` pools per client (per event loop for async),
    the least recently used evicted; a call leases the pools it uses (:meth:`call` / :meth:`acall`), so an
    evicted pool is closed when its last call ends, never under one. A loop's pools are closed inside the
    loop when it ends (``asyncio.run``, ``asyncio.Runner``). A transport the caller passed is the caller's:
    no pool closes it. After :meth:`close` / :meth:`aclose` every request for a pool raises
    :class:`~anytoken.errors.ClientClosedError`.
    """

    def __init__(
        self,
        *,
        timeout: float,
        max_response_bytes: int,
        transport: Any = None,
        async_transport: Any = None,
        async_transport_factory: Callable[[], Any] | None = None,
        max_connections: int = 100,
        async_backend: str = "auto",
        wire: bool = True,
    ) -> None:
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self._transport = transport
        self._async_transport = async_transport
        self._async_transport_factory = async_transport_factory
        self.max_connections = max_connections
        self.async_backend = async_backend
        # the purpose-built request path (_wire_sync/_wire_async) under the generated clients; never under a
        # caller's transport, which must see every request
        self.wire_sync = wire and transport is None
        self.wire_async = wire and async_transport is None and async_transport_factory is None and async_backend != "httpx"
        self._sync_lru = LeasedLRU(MAX_POOLS)
        self._async: dict[asyncio.AbstractEventLoop, _LoopPools] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self.closed = False

    @property
    def _sync(self) -> LeasedLRU:
        return self._sync_lru

    def _check_open(self) -> None:
        if self.closed:
            from .errors import ClientClosedError

            raise ClientClosedError()

    # -- handing out pools ---------------------------------------------------------------------------

    def sync_client(self, base_url: str, headers: Mapping[str, str]) -> httpx.Client:
        self._check_open()
        client, evicted = self._sync_lru.lease(_headers_key(base_url, headers), lambda: self._new_sync(base_url, headers))
        if evicted and not orphan(evicted):
            _close_now(evicted)
        return client  # type: ignore[no-any-return]

    def generated_sync_client(self, base_url: str, headers: Mapping[str, str]) -> Any:
        """What the generated clients get: a wire client (no httpx objects per call), or the pooled httpx
        client when ``ANYTOKEN_HTTP=httpx``, a transport was given, or a proxy applies to the base URL. Wire
        clients live in the same leased LRU as the httpx clients (the same eviction and close rules)."""
        if not self.wire_sync:
            return self.sync_client(base_url, headers)
        self._check_open()
        key = "wire:" + _headers_key(base_url, headers)
        client, evicted = self._sync_lru.lease(key, lambda: self._new_wire_sync(base_url, headers))
        if evicted and not orphan(evicted):
            _close_now(evicted)
        return client

    def async_client(self, base_url: str, headers: Mapping[str, str]) -> httpx.AsyncClient:
        key = _headers_key(base_url, headers)
        return self._async_lease(key, lambda: self._new_async(base_url, headers))  # type: ignore[no-any-return]

    def generated_async_client(self, base_url: str, headers: Mapping[str, str]) -> Any:
        """The async twin of :meth:`generated_sync_client` (per running event loop, closed with its loop)."""
        if not self.wire_async:
            return self.async_client(base_url, headers)
        return self._async_lease("wire:" + _headers_key(base_url, headers), lambda: self._new_wire_async(base_url, headers))

    def _async_lease(self, key: str, build: Callable[[], Any]) -> Any:
        import asyncio

        self._check_open()
        loop = asyncio.get_running_loop()
        per_loop = self._async.get(loop) or self._loop_pools(loop)
        client, evicted = per_loop.lru.lease(key, build)
        if evicted and not orphan(evicted):
            self._spawn(loop, _aclose_all(evicted))
        return client

    def _loop_pools(self, loop: asyncio.AbstractEventLoop) -> _LoopPools:
        with _lifecycle.lock:
            gone = [lp for lp in self._async if lp.is_closed()]  # ended without shutting down async generators
            dropped = [self._async.pop(lp) for lp in gone]
            per_loop = self._async.get(loop)
            if per_loop is None:
                per_loop = self._async[loop] = _LoopPools(LeasedLRU(MAX_POOLS), LoopHook(lambda: self._loop_ended(loop)))
        for lp_pools in dropped:  # their connections died with their loop; nothing can be awaited there
            lp_pools.lru.drain()
            lp_pools.hook.disarm()
        return per_loop

    async def _loop_ended(self, loop: asyncio.AbstractEventLoop) -> None:
        with _lifecycle.lock:
            per_loop = self._async.pop(loop, None)
        if per_loop is not None:
            await _aclose_all(per_loop.lru.drain())

    def _spawn(self, loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, None]) -> None:
        task = loop.create_task(coro)
        self._closing.add(task)  # keep a reference until it is done (the loop holds only a weak one)
        task.add_done_callback(self._closing.discard)

    # -- calls lease the pools they use --------------------------------------------------------------

    @contextmanager
    def call(self) -> Iterator[None]:
        """Scope of one sync attempt: the pools it uses stay open until it ends."""
        scope, token = enter_scope()
        try:
            yield
        finally:
            _close_now(exit_scope(scope, token))

    @asynccontextmanager
    async def acall(self) -> AsyncIterator[None]:
        """Scope of one async attempt (see :meth:`call`)."""
        scope, token = enter_scope()
        try:
            yield
        finally:
            await _aclose_all(exit_scope(scope, token))

    # -- building ------------------------------------------------------------------------------------

    def _new_wire_sync(self, base_url: str, headers: Mapping[str, str]) -> Any:
        if proxy_for(base_url) is not None:
            return self._new_sync(base_url, headers)
        from ._wire_sync import WireClient

        return WireClient(**self._wire_settings(base_url, headers, lambda: self.sync_client(base_url, headers)))

    def _new_wire_async(self, base_url: str, headers: Mapping[str, str]) -> Any:
        if proxy_for(base_url) is not None:
            return self._new_async(base_url, headers)
        try:
            from ._wire_async import AsyncWireClient
        except ImportError:  # no aiohttp: httpx's own async pool
            return self._new_async(base_url, headers)
        return AsyncWireClient(**self._wire_settings(base_url, headers, lambda: self.async_client(base_url, headers)))

    def _wire_settings(self, base_url: str, headers: Mapping[str, str], fallback: Callable[[], Any]) -> dict[str, Any]:
        return {
            "base_url": base_url,
            "headers": headers,
            "user_agent": _USER_AGENT,
            "timeout": self.timeout,
            "max_response_bytes": self.max_response_bytes,
            "max_connections": self.max_connections,
            "ssl_context": _ssl_context(base_url) if base_url.startswith("https://") else None,
            "fallback": fallback,
            "remember": last_response.set,
        }

    def _new_sync(self, base_url: str, headers: Mapping[str, str]) -> httpx.Client:
        owned = self._transport is None
        inner = self._transport or httpx.HTTPTransport(limits=self._limits(), verify=_ssl_context(base_url), proxy=proxy_for(base_url))
        return _PooledClient(
            base_url=base_url,
            headers={"user-agent": _USER_AGENT, **headers},
            timeout=self.timeout,
            transport=LimitedTransport(inner, self.max_response_bytes, owned=owned),
            follow_redirects=False,
            event_hooks={"request": [_apply_call_timeout], "response": [_remember]},
            trust_env=False,
        )

    def _new_async(self, base_url: str, headers: Mapping[str, str]) -> httpx.AsyncClient:
        owned = self._async_transport is None
        if self._async_transport is not None:
            inner = self._async_transport
        elif self._async_transport_factory is not None:
            inner = self._async_transport_factory()
        elif (proxy := proxy_for(base_url)) is not None:  # HTTP(S)_PROXY/NO_PROXY as httpx's trust_env applies them
            inner = httpx.AsyncHTTPTransport(limits=self._limits(), verify=_ssl_context(base_url), proxy=proxy)
        else:
            inner = _default_async_transport(self._limits(), self.async_backend, _ssl_context(base_url))
        return _PooledAsyncClient(
            base_url=base_url,
            headers={"user-agent": _USER_AGENT, **headers},
            timeout=self.timeout,
            transport=AsyncLimitedTransport(inner, self.max_response_bytes, owned=owned),
            follow_redirects=False,
            event_hooks={"request": [_aapply_call_timeout], "response": [_aremember]},
            trust_env=False,
        )

    def _limits(self) -> httpx.Limits:
        # at most 20 idle connections, like httpx's default: every idle connection makes httpcore's pool
        # bookkeeping slower (encode/httpx#3215; measured 2.1x CPU per async mint with 100 kept alive)
        return httpx.Limits(max_connections=self.max_connections, max_keepalive_connections=min(20, self.max_connections))

    # -- closing -------------------------------------------------------------------------------------

    def close(self) -> None:
        """Refuse new requests; close the sync pools (a pool in use: when its call ends) and, for every event
        loop still running, its async pools inside that loop. A loop that has ended took its connections."""
        self.closed = True
        _close_now(self._sync_lru.retire_all())
        with _lifecycle.lock:
            loops = list(self._async.items())
        for loop, per_loop in loops:
            if loop.is_closed():
                with _lifecycle.lock:
                    self._async.pop(loop, None)
                per_loop.lru.drain()
                per_loop.hook.disarm()
            else:
                with suppress(RuntimeError):  # the loop closed meanwhile
                    loop.call_soon_threadsafe(self._close_in_loop, loop, per_loop)

    def _close_in_loop(self, loop: asyncio.AbstractEventLoop, per_loop: _LoopPools) -> None:
        async def close_pools() -> None:  # retired inside the task: if the loop ends first, its hook closes them
            await _aclose_all(per_loop.lru.retire_all())

        self._spawn(loop, close_pools())

    async def aclose(self) -> None:
        """:meth:`close`, awaiting the running loop's async pools."""
        import asyncio

        self.closed = True
        loop = asyncio.get_running_loop()
        with _lifecycle.lock:
            per_loop = self._async.pop(loop, None)
        if per_loop is not None:
            per_loop.hook.disarm()  # pools still leased are closed when their call ends
            await _aclose_all(per_loop.lru.retire_all())
        self.close()

    def open_async_loops(self) -> int:
        """How many event loops still have pools (a loop's pools go when it ends)."""
        return len(self._async)


def _close_now(pools: list[Pool]) -> None:
    for pool in pools:
        pool.resource.close()


async def _aclose_all(pools: list[Pool]) -> None:
    for pool in pools:
        try:
            await pool.resource.aclose()
        except Exception:  # pragma: no cover - closing must not fail a call or a loop's shutdown
            logging.getLogger("anytoken").debug("closing an async pool failed", exc_info=True)


def _default_async_transport(limits: httpx.Limits, backend: str, context: ssl.SSLContext | None = None) -> httpx.AsyncBaseTransport:
    """aiohttp underneath when installed (several times less CPU per request than httpcore's async pool),
    else httpx's own. ``backend``: ``auto`` (default), ``aiohttp`` or ``httpx``."""
    if backend != "httpx":
        try:
            from ._aiohttp_transport import AiohttpTransport
        except ImportError:
            if backend == "aiohttp":
                raise InvalidParameterError([("async_backend", "needs aiohttp: pip install 'anytoken[fast]'")]) from None
        else:
            return AiohttpTransport(limits=limits, ssl_context=context)
    return httpx.AsyncHTTPTransport(limits=limits, verify=context if context is not None else True)
