"""When pooled connections are closed, independent of the HTTP library underneath.

- :class:`LeasedLRU`: pools by key, at most ``limit`` of them; the least recently *used* one is evicted.
  A call leases every pool it touches (:func:`enter_scope` / :func:`release`): an evicted pool that a call
  still holds is closed when the last such call ends, never under it.
- :class:`LoopHook`: runs an async cleanup when an event loop shuts down its async generators, which
  ``asyncio.run``, ``asyncio.Runner`` (pytest-asyncio, ``IsolatedAsyncioTestCase``) and uvloop do before
  closing the loop: each loop's pools are closed inside that loop, deterministically, not left to the
  garbage collector. The hook is an async generator started once in the loop (the loop then tracks it)
  whose ``finally`` does the cleanup; it holds no reference to the loop.

A pool's resource is anything with ``close()`` (sync pools) or ``aclose()`` (async pools).
"""

from __future__ import annotations

import contextvars
import threading
from collections import OrderedDict
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

__all__ = ["LeasedLRU", "LoopHook", "Pool", "Scope", "enter_scope", "exit_scope", "lock"]

#: one lock for every lease count (held for dict and counter updates only, never across I/O)
lock = threading.Lock()


class Pool:
    """One pooled resource: how many calls hold it, whether it left its LRU, whether it was closed."""

    __slots__ = ("closed", "leases", "resource", "retired")

    def __init__(self, resource: Any) -> None:
        self.resource = resource
        self.leases = 0
        self.retired = False
        self.closed = False


class Scope:
    """The pools one call leased, and evicted pools nobody held that the call closes when it ends."""

    __slots__ = ("leased", "orphans")

    def __init__(self) -> None:
        self.leased: list[tuple[LeasedLRU, Pool]] = []
        self.orphans: list[Pool] = []


_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("anytoken_pool_scope", default=None)


def enter_scope() -> tuple[Scope, contextvars.Token[Scope | None]]:
    """Start a call: pools handed out until :func:`exit_scope` are leased to it."""
    scope = Scope()
    return scope, _scope.set(scope)


def exit_scope(scope: Scope, token: contextvars.Token[Scope | None]) -> list[Pool]:
    """End a call: drop its leases; returns the pools that must now be closed (by the caller, outside locks)."""
    _scope.reset(token)
    out: list[Pool] = []
    with lock:
        for lru, pool in scope.leased:
            pool.leases -= 1
            if pool.retired and pool.leases == 0 and not pool.closed:
                pool.closed = True
                lru._retired.discard(pool)
                out.append(pool)
        out.extend(scope.orphans)
    return out


class LeasedLRU:
    """Pools by key; at most ``limit``; least recently used evicted; leased pools closed after their last call."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._pools: OrderedDict[str, Pool] = OrderedDict()
        self._retired: set[Pool] = set()  # evicted while leased: closed by their last call (or drain)

    def __len__(self) -> int:
        return len(self._pools)

    def __contains__(self, key: object) -> bool:
        return key in self._pools

    def lease(self, key: str, build: Callable[[], Any]) -> tuple[Any, list[Pool]]:
        """The resource for ``key`` (built if missing), leased to the current call if there is one, and the
        evicted pools nobody holds (the caller closes them, or hands them to its scope)."""
        scope = _scope.get()
        evicted: list[Pool] = []
        with lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = Pool(build())
            else:
                self._pools.move_to_end(key)
            if scope is not None:
                pool.leases += 1
                scope.leased.append((self, pool))
            while len(self._pools) > self.limit:
                _, old = self._pools.popitem(last=False)
                evicted.extend(self._retire(old))
        return pool.resource, evicted

    def _retire(self, pool: Pool) -> list[Pool]:
        pool.retired = True
        if pool.leases or pool.closed:
            if not pool.closed:
                self._retired.add(pool)
            return []
        pool.closed = True
        return [pool]

    def retire_all(self) -> list[Pool]:
        """Empty the LRU; returns the pools to close now (leased ones are closed by their last call)."""
        with lock:
            pools, self._pools = list(self._pools.values()), OrderedDict()
            return [p for pool in pools for p in self._retire(pool)]

    def drain(self) -> list[Pool]:
        """Every pool not yet closed, leased or not (their event loop is ending), marked closed."""
        with lock:
            pools = [*self._pools.values(), *self._retired]
            self._pools, self._retired = OrderedDict(), set()
            out = [p for p in pools if not p.closed]
            for p in out:
                p.closed = True
            return out


def orphan(evicted: list[Pool]) -> bool:
    """Give evicted pools to the current call to close when it ends; False when there is no call."""
    scope = _scope.get()
    if scope is None:
        return False
    scope.orphans.extend(evicted)
    return True


class LoopHook:
    """Runs ``cleanup()`` in the running event loop when it shuts down its async generators.

    Create it from code running in the loop. :meth:`disarm` finishes it without running the cleanup
    (e.g. after the loop was closed some other way); it needs no loop.
    """

    __slots__ = ("_agen", "_cleanup")

    def __init__(self, cleanup: Callable[[], Awaitable[None]]) -> None:
        self._cleanup: Callable[[], Awaitable[None]] | None = cleanup
        self._agen = self._sentinel()
        _step(self._agen.asend(None))  # first iteration: the loop's firstiter hook now tracks the generator

    async def _sentinel(self) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            cleanup, self._cleanup = self._cleanup, None
            if cleanup is not None:
                await cleanup()

    def disarm(self) -> None:
        self._cleanup = None
        _step(self._agen.aclose())


def _step(awaitable: Awaitable[Any]) -> None:
    """Drive an async-generator step that does not suspend (it reaches a ``yield`` or the end at once)."""
    coro: Any = awaitable
    try:
        coro.send(None)
    except (StopIteration, StopAsyncIteration):
        return
    raise RuntimeError("the loop hook suspended unexpectedly")  # pragma: no cover
