"""Where cached tokens live: the :class:`CacheBackend` interface and the in-process :class:`MemoryBackend`.

A backend stores :class:`CachedToken` s under cache keys and offers a lock per key that spans whatever
the backend spans (nothing for memory, every process for Redis). :class:`~anytoken.cache.TokenCache`
keeps its own lock-free in-process layer in front and does the single-flight within the process; the
backend's lock only has to coordinate processes.

Backends should not raise for an unreachable store: they report a miss, skip the write, or hand out a
no-op lease, and the caller mints locally (the cache also catches whatever a backend raises).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from ._policy import CachedToken

__all__ = ["AsyncLease", "CacheBackend", "Lease", "MemoryBackend", "Ready"]

Ready = Callable[[CachedToken | None], bool]


class Lease(Protocol):
    """A held lock; ``release`` frees it only if it is still ours."""

    def release(self) -> None: ...


class AsyncLease(Protocol):
    async def arelease(self) -> None: ...


@runtime_checkable
class CacheBackend(Protocol):
    """The store behind a :class:`~anytoken.cache.TokenCache`.

    ``set`` stores an entry until its ``usable_until`` (epoch seconds). ``delete(key, value=...)`` deletes
    only when the stored token's value is ``value`` (so invalidating a rejected token never drops a newer
    one). ``acquire(key, ready)`` waits (bounded) for the key's lock; while waiting it may return early with
    an entry for which ``ready(entry)`` is true (another process refreshed it). It returns
    ``(lease, None)`` when the lock is ours, ``(None, entry)`` when a ready entry appeared, and
    ``(None, None)`` when it gave up waiting: the caller re-reads and mints anyway. ``wait=False`` tries
    once (an advisory refresh: if another process holds the lock, it is refreshing). A backend whose store
    is down returns a no-op lease: the caller mints locally.

    Optionally, ``find(value)`` / ``afind(value)`` return the keys under which a token of that value is
    stored: revoking a token then drops it from every key (``TokenCache.discard``), not only the keys this
    process cached it under.
    """

    def get(self, key: str) -> CachedToken | None: ...

    def set(self, key: str, entry: CachedToken) -> None: ...

    def delete(self, key: str, *, value: str | None = None) -> None: ...

    def acquire(self, key: str, ready: Ready, *, wait: bool = True) -> tuple[Lease | None, CachedToken | None]: ...

    def close(self) -> None: ...

    async def aget(self, key: str) -> CachedToken | None: ...

    async def aset(self, key: str, entry: CachedToken) -> None: ...

    async def adelete(self, key: str, *, value: str | None = None) -> None: ...

    async def aacquire(self, key: str, ready: Ready, *, wait: bool = True) -> tuple[AsyncLease | None, CachedToken | None]: ...

    async def aclose(self) -> None: ...


class _NoLease:
    """The lease of a store that keeps no lock (or could not be reached): releasing it does nothing."""

    def release(self) -> None:
        pass

    async def arelease(self) -> None:
        pass


#: shared by the backends (memory, Redis) and the cache (a store that is down): one stateless instance
NO_LEASE = _NoLease()


class MemoryBackend:
    """Entries in a dict of this process (the default). Share one instance between caches to share tokens.

    The lock is a no-op: within one :class:`~anytoken.cache.TokenCache` the single-flight is done by the
    cache itself. ``max_entries`` bounds memory (expired entries go first, then the oldest).
    """

    def __init__(self, *, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._entries: dict[str, CachedToken] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryBackend(entries={len(self._entries)})"

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> CachedToken | None:
        entry = self._entries.get(key)
        if entry is not None and entry.usable_until <= time.time():
            return None
        return entry

    def set(self, key: str, entry: CachedToken) -> None:
        with self._lock:
            self._entries.pop(key, None)
            if len(self._entries) >= self.max_entries:
                now = time.time()
                for k in [k for k, e in self._entries.items() if e.usable_until <= now]:
                    del self._entries[k]
                while len(self._entries) >= self.max_entries:
                    del self._entries[next(iter(self._entries))]
            self._entries[key] = entry

    def delete(self, key: str, *, value: str | None = None) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (value is None or entry.token.value == value):
                del self._entries[key]

    def acquire(self, key: str, ready: Ready, *, wait: bool = True) -> tuple[Lease | None, CachedToken | None]:
        return NO_LEASE, None

    def find(self, value: str) -> list[str]:
        with self._lock:
            return [k for k, e in self._entries.items() if e.token.value == value]

    async def afind(self, value: str) -> list[str]:
        return self.find(value)

    def close(self) -> None:
        pass

    async def aget(self, key: str) -> CachedToken | None:
        return self.get(key)

    async def aset(self, key: str, entry: CachedToken) -> None:
        self.set(key, entry)

    async def adelete(self, key: str, *, value: str | None = None) -> None:
        self.delete(key, value=value)

    async def aacquire(self, key: str, ready: Ready, *, wait: bool = True) -> tuple[AsyncLease | None, CachedToken | None]:
        return NO_LEASE, None

    async def aclose(self) -> None:
        pass
