"""HTTP plumbing: pooled httpx clients, per-call timeouts, response size limits, URL safety.

One :class:`HttpPools` belongs to one :class:`~anytoken.Client`. It keeps one ``httpx.Client`` per
(base URL, header set) and one ``httpx.AsyncClient`` per (event loop, base URL, header set), so
connections are reused and no client is built per call (building one costs ~20 ms). Plugins reach them
through :class:`HttpSession` (``request.http``).

Per-call timeouts travel in a context variable read by a request hook, so one pooled client serves calls
with different timeouts and deadlines, in threads and asyncio tasks alike.
"""

from __future__ import annotations

import contextvars
import hashlib
import ipaddress
import ssl
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from .errors import InsecureTransportError, InvalidParameterError
from .provider import last_response

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "DeadlineReachedError",
    "HttpPools",
    "HttpSession",
    "ResponseTooLargeError",
    "call_deadline",
    "call_timeout",
    "check_base_url",
]

#: seconds for each phase of the current attempt (None: the client's default)
call_timeout: contextvars.ContextVar[float | None] = contextvars.ContextVar("anytoken_call_timeout", default=None)
#: time.monotonic() by which the whole call must end (None: no deadline)
call_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("anytoken_call_deadline", default=None)

_USER_AGENT = "anytoken"
#: pools kept per client (per event loop for async): the least recently created is closed beyond this
MAX_POOLS = 32


class DeadlineReachedError(Exception):
    """The call's deadline passed while a response was still arriving (e.g. a slow drip)."""


def _check_deadline() -> None:
    deadline = call_deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise DeadlineReachedError("deadline passed while reading the response")


class ResponseTooLargeError(Exception):
    """The response body is larger than the configured limit; it was not read whole."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"response body larger than {limit} bytes")
        self.limit = limit


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
        host = None
    if parts.scheme not in {"http", "https"} or not host:
        shown = url.split("://", 1)[-1].rsplit("@", 1)[-1][:80]  # never echo user:password@
        raise InvalidParameterError([("base_url", f"must be an http(s) URL, got ...{shown!r}")], provider=provider)
    if parts.username or parts.password:
        raise InvalidParameterError([("base_url", "must not embed credentials")], provider=provider)
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(host):
        raise InsecureTransportError(
            f"refusing to send credentials over plain http:// to {host}: use https://, or pass "
            "allow_insecure_http=True (ANYTOKEN_ALLOW_INSECURE_HTTP=1) if you really mean it",
            provider=provider,
        )
    return url


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


class HttpPools:
    """The HTTP clients of one anytoken Client."""

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
    ) -> None:
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self._transport = transport
        self._async_transport = async_transport
        self._async_transport_factory = async_transport_factory
        self.max_connections = max_connections
        self.async_backend = async_backend
        # insertion-ordered dicts used as LRUs: a client with many credentials must not pile up pools
        self._sync: dict[str, httpx.Client] = {}
        self._async: dict[asyncio.AbstractEventLoop, dict[str, httpx.AsyncClient]] = {}
        self._lock = threading.Lock()
        self._closing: set[asyncio.Task[None]] = set()
        self.closed = False

    def sync_client(self, base_url: str, headers: Mapping[str, str]) -> httpx.Client:
        key = _headers_key(base_url, headers)
        client = self._sync.get(key)
        if client is None:
            evicted: list[httpx.Client] = []
            with self._lock:
                client = self._sync.get(key)
                if client is None:
                    client = self._sync[key] = self._new_sync(base_url, headers)
                    while len(self._sync) > MAX_POOLS:
                        evicted.append(self._sync.pop(next(iter(self._sync))))
            for old in evicted:
                old.close()
        return client

    def async_client(self, base_url: str, headers: Mapping[str, str]) -> httpx.AsyncClient:
        import asyncio

        loop = asyncio.get_running_loop()
        key = _headers_key(base_url, headers)
        per_loop = self._async.get(loop)
        client = per_loop.get(key) if per_loop is not None else None
        if client is None:
            evicted: list[httpx.AsyncClient] = []
            with self._lock:
                # clients of event loops that are gone: their connections died with the loop; drop them
                for gone in [lp for lp in self._async if lp.is_closed()]:
                    del self._async[gone]
                per_loop = self._async.setdefault(loop, {})
                client = per_loop.get(key)
                if client is None:
                    client = per_loop[key] = self._new_async(base_url, headers)
                    while len(per_loop) > MAX_POOLS:
                        evicted.append(per_loop.pop(next(iter(per_loop))))
            for old in evicted:
                task = loop.create_task(old.aclose())
                self._closing.add(task)  # keep a reference until it is done (the loop holds only a weak one)
                task.add_done_callback(self._closing.discard)
        return client

    def _new_sync(self, base_url: str, headers: Mapping[str, str]) -> httpx.Client:
        inner = self._transport or httpx.HTTPTransport(limits=self._limits(), verify=_ssl_context(base_url))
        return _PooledClient(
            base_url=base_url,
            headers={"user-agent": _USER_AGENT, **headers},
            timeout=self.timeout,
            transport=_LimitedTransport(inner, self.max_response_bytes),
            follow_redirects=False,
            event_hooks={"request": [_apply_call_timeout], "response": [_remember]},
            trust_env=False,
        )

    def _new_async(self, base_url: str, headers: Mapping[str, str]) -> httpx.AsyncClient:
        if self._async_transport is not None:
            inner = self._async_transport
        elif self._async_transport_factory is not None:
            inner = self._async_transport_factory()
        else:
            inner = _default_async_transport(self._limits(), self.async_backend, _ssl_context(base_url))
        return _PooledAsyncClient(
            base_url=base_url,
            headers={"user-agent": _USER_AGENT, **headers},
            timeout=self.timeout,
            transport=_AsyncLimitedTransport(inner, self.max_response_bytes),
            follow_redirects=False,
            event_hooks={"request": [_aapply_call_timeout], "response": [_aremember]},
            trust_env=False,
        )

    def _limits(self) -> httpx.Limits:
        # at most 20 idle connections, like httpx's default: every idle connection makes httpcore's pool
        # bookkeeping slower (encode/httpx#3215; measured 2.1x CPU per async mint with 100 kept alive)
        return httpx.Limits(max_connections=self.max_connections, max_keepalive_connections=min(20, self.max_connections))

    def close(self) -> None:
        """Close the sync pools and forget every event loop's async pools (close those with ``aclose``
        inside their loop; a loop that has ended took its connections with it)."""
        with self._lock:
            clients, self._sync = list(self._sync.values()), {}
            self._async = {lp: per for lp, per in self._async.items() if not lp.is_closed()}
        for c in clients:
            c.close()
        self.closed = True

    async def aclose(self) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        with self._lock:
            clients = list(self._async.pop(loop, {}).values())
        for c in clients:
            await c.aclose()

    def open_async_loops(self) -> int:
        return len(self._async)


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


class HttpSession:
    """The view of the pools a plugin gets as ``request.http``: clients bound to the request's base URL."""

    __slots__ = ("_pools", "base_url")

    def __init__(self, pools: HttpPools, base_url: str) -> None:
        self._pools = pools
        self.base_url = base_url

    def sync_client(self, headers: Mapping[str, str] | None = None) -> httpx.Client:
        """A pooled ``httpx.Client`` for the base URL sending ``headers`` (e.g. the auth header)."""
        return self._pools.sync_client(self.base_url, headers or {})

    def async_client(self, headers: Mapping[str, str] | None = None) -> httpx.AsyncClient:
        """A pooled ``httpx.AsyncClient`` (per running event loop) for the base URL sending ``headers``."""
        return self._pools.async_client(self.base_url, headers or {})

    def at(self, base_url: str) -> HttpSession:
        """The same pools bound to another base URL (e.g. a token endpoint found by discovery)."""
        return HttpSession(self._pools, base_url)

    def __repr__(self) -> str:
        return f"HttpSession({self.base_url!r})"


# -- response size limit -------------------------------------------------------------------------


def _declared_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class _CappedStream(httpx.SyncByteStream):
    __slots__ = ("_inner", "_limit")

    def __init__(self, inner: httpx.SyncByteStream, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        for chunk in self._inner:
            seen += len(chunk)
            _check_deadline()
            if seen > self._limit:
                raise ResponseTooLargeError(self._limit)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncCappedStream(httpx.AsyncByteStream):
    __slots__ = ("_inner", "_limit")

    def __init__(self, inner: httpx.AsyncByteStream, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            _check_deadline()
            if seen > self._limit:
                raise ResponseTooLargeError(self._limit)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class _LimitedTransport(httpx.BaseTransport):
    """Wraps a transport; refuses bodies above ``limit`` bytes without reading them whole."""

    def __init__(self, inner: httpx.BaseTransport, limit: int) -> None:
        self.inner = inner
        self.limit = limit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        length = _declared_length(response)
        if length is not None and length > self.limit:
            response.close()
            raise ResponseTooLargeError(self.limit)
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _CappedStream(response.stream, self.limit)
        return response

    def close(self) -> None:
        self.inner.close()


class _AsyncLimitedTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, limit: int) -> None:
        self.inner = inner
        self.limit = limit

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        length = _declared_length(response)
        if length is not None and length > self.limit:
            await response.aclose()
            raise ResponseTooLargeError(self.limit)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _AsyncCappedStream(response.stream, self.limit)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
