"""Cached tokens: :class:`TokenCache` (in-process by default, shared through Redis with :class:`RedisBackend`,
or between a user's processes through encrypted files with :class:`FileBackend`).

``Client.get_token`` serves a cached token while it is fresh and mints one when it is not; see
``docs/cache.md`` for the refresh windows, the Redis backend and its failure behaviour. ``RedisBackend``
needs the ``anytoken[redis]`` extra and is imported only when used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._front import check_cacheable

if TYPE_CHECKING:
    from ._backend import AsyncLease, CacheBackend, Lease, MemoryBackend
    from ._cache import TokenCache
    from ._file import FileBackend
    from ._key import cache_key
    from ._policy import CachedToken, RefreshPolicy
    from ._redis import RedisBackend

# loaded on first use: `import anytoken` (every CLI call, every cold start) does not pay for the cache
_LAZY = {
    "AsyncLease": "._backend",
    "CacheBackend": "._backend",
    "Lease": "._backend",
    "MemoryBackend": "._backend",
    "TokenCache": "._cache",
    "FileBackend": "._file",
    "cache_key": "._key",
    "CachedToken": "._policy",
    "RefreshPolicy": "._policy",
}

__all__ = [
    "AsyncLease",
    "CacheBackend",
    "CachedToken",
    "FileBackend",
    "Lease",
    "MemoryBackend",
    "RedisBackend",
    "RefreshPolicy",
    "TokenCache",
    "cache_key",
    "check_cacheable",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    if name == "RedisBackend":
        try:
            from ._redis import RedisBackend
        except ImportError as exc:  # pragma: no cover - depends on the environment
            from ..errors import UsageError

            raise UsageError(f'RedisBackend needs the redis extra: pip install "anytoken[redis]" ({exc.name} is missing)') from None
        return RedisBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
