"""A :class:`CacheBackend` on Redis: tokens shared by every process and machine that uses the same Redis.

* ``<prefix>tok:<key>``: the token, JSON, Fernet-encrypted when ``encryption_key`` is given, expiring when
  the token's mandatory refresh window starts (``PX``).
* ``<prefix>lock:<key>``: the cross-process mint lock, ``SET NX PX lock_ttl`` with a random owner token,
  released by a compare-and-delete script (only its owner frees it). Waiters poll, with jitter, both the
  lock and the token, for at most ``lock_wait`` seconds; then the cache re-reads and mints anyway. A
  holder that dies frees the lock after ``lock_ttl``: at most one extra mint per lock expiry.

Redis unreachable or slow (socket timeouts are small): the operation is skipped, one warning is logged
per outage, the cache mints locally, and Redis is tried again every ``retry_interval`` seconds. A corrupt
or undecryptable entry is a miss. Nothing here logs a token, a key or a URL with its password.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import threading
import time
from typing import TYPE_CHECKING, Any

import redis
import redis.asyncio
from redis.backoff import NoBackoff
from redis.retry import Retry

from ._backend import NO_LEASE, AsyncLease, Lease, Ready, _NoLease
from ._codec import EncryptionKey, decode, encode, make_fernet
from ._policy import CachedToken

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

__all__ = ["RedisBackend"]

log = logging.getLogger("anytoken.cache")

_ERRORS = (redis.RedisError, OSError, asyncio.TimeoutError)
_COMPARE_AND_DELETE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""
_plaintext_warned = False
_warn_lock = threading.Lock()


def _warn_plaintext() -> None:
    global _plaintext_warned
    with _warn_lock:
        if _plaintext_warned:
            return
        _plaintext_warned = True
    log.warning(
        "anytoken cache: tokens are stored in Redis unencrypted, readable by anyone who can read that Redis; "
        "pass RedisBackend(..., encryption_key=...) (a key from cryptography.fernet.Fernet.generate_key()) to encrypt them"
    )


class _RedisLease:
    def __init__(self, backend: RedisBackend, name: str, owner: str) -> None:
        self.backend, self.name, self.owner = backend, name, owner

    def release(self) -> None:
        self.backend._run(lambda c: self.backend._script(c)(keys=[self.name], args=[self.owner]), None)

    async def arelease(self) -> None:
        backend = self.backend
        await backend._arun(lambda c: backend._ascript(c)(keys=[self.name], args=[self.owner]), None)


class RedisBackend:
    """Tokens in Redis, shared across processes; see the module docstring.

    :param url_or_client: ``redis://...`` / ``rediss://...`` URL, or a ``redis.Redis`` you own (not closed here).
    :param async_client: a ``redis.asyncio.Redis`` for the async methods. Built from the URL (one per event
        loop) when omitted; with a sync client and no async one, async calls run the sync client in a thread.
    :param encryption_key: Fernet key (or several: the first encrypts, all decrypt) to encrypt tokens at rest.
    :param lock_ttl: seconds a mint lock lives if its holder never releases it (dies).
    :param lock_wait: longest wait for another process's mint (default ``lock_ttl + 5``).
    :param prefix: of every key (``anytoken:tok:<key>``, ``anytoken:lock:<key>``).
    :param socket_timeout: connect and read timeout of each Redis command built from a URL.
    :param retry_interval: after a failure, Redis is skipped for this long (local minting meanwhile).
    """

    def __init__(
        self,
        url_or_client: str | redis.Redis,
        *,
        async_client: redis.asyncio.Redis | None = None,
        encryption_key: EncryptionKey | None = None,
        lock_ttl: float = 10.0,
        lock_wait: float | None = None,
        prefix: str = "anytoken:",
        socket_timeout: float = 0.5,
        retry_interval: float = 2.0,
        poll_interval: float = 0.02,
    ) -> None:
        if lock_ttl <= 0:
            raise ValueError("lock_ttl must be > 0")
        self.lock_ttl = float(lock_ttl)
        self.lock_wait = float(lock_wait) if lock_wait is not None else self.lock_ttl + 5.0
        self.prefix = prefix
        self.retry_interval = retry_interval
        self.poll_interval = poll_interval
        self._fernet = make_fernet(encryption_key)
        self._kwargs: dict[str, Any] = {
            "socket_timeout": socket_timeout,
            "socket_connect_timeout": socket_timeout,
            "retry": Retry(NoBackoff(), 0),
            "retry_on_timeout": False,
        }
        self._url: str | None = None
        self._owns_client = isinstance(url_or_client, str)
        if isinstance(url_or_client, str):
            self._url = url_or_client
            self._client: redis.Redis = redis.Redis.from_url(url_or_client, **self._kwargs)
        else:
            self._client = url_or_client
        self._async_given = async_client
        self._aclients: dict[int, tuple[asyncio.AbstractEventLoop, redis.asyncio.Redis]] = {}
        self._scripts: dict[int, Any] = {}
        self._down_until = 0.0
        self._healthy = True
        self._last_corrupt = -60.0
        kw = self._client.connection_pool.connection_kwargs
        self._where = f"{kw.get('host', kw.get('path', '?'))}:{kw.get('port', '')}".rstrip(":")
        if self._fernet is None:
            _warn_plaintext()

    def __repr__(self) -> str:
        return f"RedisBackend({self._where!r}, prefix={self.prefix!r}, encrypted={self._fernet is not None})"

    @property
    def encrypted(self) -> bool:
        return self._fernet is not None

    def token_key(self, key: str) -> str:
        return f"{self.prefix}tok:{key}"

    def lock_key(self, key: str) -> str:
        return f"{self.prefix}lock:{key}"

    # -- health -------------------------------------------------------------------------------------

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, exc: BaseException) -> None:
        self._down_until = time.monotonic() + self.retry_interval
        if self._healthy:
            self._healthy = False
            log.warning(
                "anytoken cache: Redis at %s is unreachable or too slow (%s); tokens are minted locally, Redis is retried every %gs",
                self._where,
                type(exc).__name__,
                self.retry_interval,
            )

    def _ok(self) -> None:
        if not self._healthy:
            self._healthy = True
            log.warning("anytoken cache: Redis at %s is reachable again; tokens are shared again", self._where)

    def _run(self, fn: Callable[[redis.Redis], Any], default: Any) -> Any:
        if not self._available():
            return default
        try:
            result = fn(self._client)
        except _ERRORS as exc:
            self._failed(exc)
            return default
        self._ok()
        return result

    async def _arun(self, fn: Callable[[Any], Awaitable[Any]], default: Any) -> Any:
        if not self._available():
            return default
        client = self._aclient()
        assert client is not None, "the async methods use a thread when there is no async client"
        try:
            result = await fn(client)
        except _ERRORS as exc:
            self._failed(exc)
            return default
        self._ok()
        return result

    def _aclient(self) -> redis.asyncio.Redis | None:
        if self._async_given is not None:
            return self._async_given
        if self._url is None:
            return None
        loop = asyncio.get_running_loop()
        found = self._aclients.get(id(loop))
        if found is not None and found[0] is loop:
            return found[1]
        for lid, (other, _) in list(self._aclients.items()):
            if other.is_closed():
                del self._aclients[lid]
        client = redis.asyncio.Redis.from_url(self._url, **self._kwargs)
        self._aclients[id(loop)] = (loop, client)
        return client

    def _script(self, client: Any) -> Any:
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(_COMPARE_AND_DELETE)
        return script

    def _ascript(self, client: Any) -> Any:
        return self._script(client)

    def _decode(self, key: str, data: bytes | None) -> CachedToken | None:
        entry = decode(key, data, self._fernet)
        if data is not None and entry is None:
            now = time.monotonic()
            if now - self._last_corrupt >= 60.0:
                self._last_corrupt = now
                log.warning(
                    "anytoken cache: a Redis entry could not be read (corrupt, or written with another encryption key); treated as a miss"
                )
        if entry is not None and entry.usable_until <= time.time():
            return None
        return entry

    # -- sync ---------------------------------------------------------------------------------------

    def get(self, key: str) -> CachedToken | None:
        data = self._run(lambda c: c.get(self.token_key(key)), None)
        return self._decode(key, data)

    def set(self, key: str, entry: CachedToken) -> None:
        ttl_ms = int((entry.usable_until - time.time()) * 1000)
        data = encode(key, entry, self._fernet)
        if ttl_ms <= 0 or data is None:
            return
        self._run(lambda c: c.set(self.token_key(key), data, px=ttl_ms), None)

    def delete(self, key: str, *, value: str | None = None) -> None:
        name = self.token_key(key)
        if value is None:
            self._run(lambda c: c.delete(name), None)
            return
        data = self._run(lambda c: c.get(name), None)
        entry = decode(key, data, self._fernet)
        if entry is not None and entry.token.value == value:
            self._run(lambda c: self._script(c)(keys=[name], args=[data]), None)

    def acquire(self, key: str, ready: Ready, *, wait: bool = True) -> tuple[Lease | None, CachedToken | None]:
        if not self._available():
            return NO_LEASE, None
        name, owner, px = self.lock_key(key), secrets.token_hex(16), int(self.lock_ttl * 1000)
        deadline = time.monotonic() + self.lock_wait
        delay = self.poll_interval
        while True:
            got = self._run(lambda c: c.set(name, owner, nx=True, px=px), _DOWN)
            if got is _DOWN:
                return NO_LEASE, None
            if got:
                return _RedisLease(self, name, owner), None
            if not wait:
                return None, None
            done, pause = self._after_miss(self.get(key), ready, deadline, delay)
            if done is not None:
                return done
            time.sleep(pause)
            delay = min(delay * 1.5, 0.25)

    def _after_miss(
        self, entry: CachedToken | None, ready: Ready, deadline: float, delay: float
    ) -> tuple[tuple[_NoLease | None, CachedToken | None] | None, float]:
        """Another process holds the lock: what ``acquire`` / ``aacquire`` answer now, or how long to wait
        before asking again. The store went down: mint here; the token is ready: take it; waited
        ``lock_wait``: mint here (and say so)."""
        if not self._available():
            return (NO_LEASE, None), 0.0
        if ready(entry):
            return (None, entry), 0.0
        left = deadline - time.monotonic()
        if left <= 0:
            log.warning("anytoken cache: waited %gs for another process to mint a token; minting here", self.lock_wait)
            return (None, None), 0.0
        return None, min(left, delay * random.uniform(0.5, 1.5))

    def find(self, value: str) -> list[str]:
        """Keys whose stored token has ``value`` (a SCAN over this prefix's tokens: for revocation, not hot paths)."""
        head = self.token_key("")
        pattern = "".join("\\" + ch if ch in "*?[]\\" else ch for ch in head) + "*"

        def scan(c: redis.Redis) -> list[str]:
            found = []
            for name in c.scan_iter(match=pattern, count=500):
                key = (name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name))[len(head) :]
                entry = decode(key, c.get(name), self._fernet)
                if entry is not None and entry.token.value == value:
                    found.append(key)
            return found

        result: list[str] = self._run(scan, [])
        return result

    async def afind(self, value: str) -> list[str]:
        return await asyncio.to_thread(self.find, value)

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    # -- async --------------------------------------------------------------------------------------

    async def _athread(self, fn: Callable[[redis.Redis], Any], default: Any) -> Any:
        return await asyncio.to_thread(self._run, fn, default)

    async def aget(self, key: str) -> CachedToken | None:
        name = self.token_key(key)
        if self._aclient() is None:
            data = await self._athread(lambda c: c.get(name), None)
        else:
            data = await self._arun(lambda c: c.get(name), None)
        return self._decode(key, data)

    async def aset(self, key: str, entry: CachedToken) -> None:
        if self._aclient() is None:
            await asyncio.to_thread(self.set, key, entry)
            return
        ttl_ms = int((entry.usable_until - time.time()) * 1000)
        data = encode(key, entry, self._fernet)
        if ttl_ms <= 0 or data is None:
            return
        await self._arun(lambda c: c.set(self.token_key(key), data, px=ttl_ms), None)

    async def adelete(self, key: str, *, value: str | None = None) -> None:
        if self._aclient() is None:
            await asyncio.to_thread(lambda: self.delete(key, value=value))
            return
        name = self.token_key(key)
        if value is None:
            await self._arun(lambda c: c.delete(name), None)
            return
        data = await self._arun(lambda c: c.get(name), None)
        entry = decode(key, data, self._fernet)
        if entry is not None and entry.token.value == value:
            await self._arun(lambda c: self._ascript(c)(keys=[name], args=[data]), None)

    async def aacquire(self, key: str, ready: Ready, *, wait: bool = True) -> tuple[AsyncLease | None, CachedToken | None]:
        if self._aclient() is None:
            lease, entry = await asyncio.to_thread(lambda: self.acquire(key, ready, wait=wait))
            return (_ThreadLease(lease) if lease is not None else None), entry
        if not self._available():
            return NO_LEASE, None
        name, owner, px = self.lock_key(key), secrets.token_hex(16), int(self.lock_ttl * 1000)
        deadline = time.monotonic() + self.lock_wait
        delay = self.poll_interval
        while True:
            got = await self._arun(lambda c: c.set(name, owner, nx=True, px=px), _DOWN)
            if got is _DOWN:
                return NO_LEASE, None
            if got:
                return _RedisLease(self, name, owner), None
            if not wait:
                return None, None
            done, pause = self._after_miss(await self.aget(key), ready, deadline, delay)
            if done is not None:
                return done
            await asyncio.sleep(pause)
            delay = min(delay * 1.5, 0.25)

    async def aclose(self) -> None:
        """Close this loop's async client (the one built from the URL); the sync client stays usable."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # pragma: no cover
            return
        found = self._aclients.pop(id(loop), None)
        if found is not None:
            self._scripts.pop(id(found[1]), None)
            await found[1].aclose()


class _ThreadLease:
    def __init__(self, lease: Lease) -> None:
        self.lease = lease

    async def arelease(self) -> None:
        await asyncio.to_thread(self.lease.release)


_DOWN: Any = object()
