"""Cached tokens: :class:`TokenCache` (in-process by default, shared through Redis with :class:`RedisBackend`).

``Client.get_token`` serves a cached token while it is fresh and mints one when it is not; see
``docs/cache.md`` for the refresh windows, the Redis backend and its failure behaviour. ``RedisBackend``
needs the ``anytoken[redis]`` extra and is imported only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._backend import AsyncLease, CacheBackend, Lease, MemoryBackend
from ._cache import TokenCache
from ._key import cache_key
from ._mixin import CachingMixin, check_cacheable
from ._policy import CachedToken, RefreshPolicy

if TYPE_CHECKING:
    from ._redis import RedisBackend

__all__ = [
    "AsyncLease",
    "CacheBackend",
    "CachedToken",
    "CachingMixin",
    "Lease",
    "MemoryBackend",
    "RedisBackend",
    "RefreshPolicy",
    "TokenCache",
    "cache_key",
    "check_cacheable",
]


def __getattr__(name: str) -> Any:
    if name == "RedisBackend":
        try:
            from ._redis import RedisBackend
        except ImportError as exc:  # pragma: no cover - depends on the environment
            from ..errors import UsageError

            raise UsageError(f'RedisBackend needs the redis extra: pip install "anytoken[redis]" ({exc.name} is missing)') from None
        return RedisBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
