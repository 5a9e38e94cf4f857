"""The :class:`TokenCache`: cached tokens with lifetime-scaled refresh windows and single-flight minting.

Layers, fastest first:

1. a per-cache dict of slots read without a lock (the hit path: one dict read and one float compare);
2. the backend (:class:`MemoryBackend` by default, :class:`~anytoken.cache.RedisBackend` to share tokens
   between processes and machines);
3. the mint function, called by one caller per key at a time: in-process by a *flight* (a
   ``concurrent.futures.Future`` that threads wait on and asyncio tasks await, whatever their loop), across
   processes by the backend's lock.

The decision of one call, under a short ``threading.Lock`` (never held across I/O or an ``await``):

=============================  ======================================================================
slot state                     what the caller does
=============================  ======================================================================
fresh                          returns the cached token (no lock at all: the hit path)
advisory window, no flight     becomes the refresher: refreshes inline; on failure logs a warning,
                               returns the still-valid token, and nobody retries for ``retry_interval``
advisory window, flight        returns the still-valid token at once
missing / mandatory / forced   joins the flight if there is one (waits; a failure raises), else leads it
=============================  ======================================================================
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from concurrent.futures import wait as _wait_for
from typing import Any, TypeVar

from ..tokens import Token
from ._backend import NO_LEASE, AsyncLease, CacheBackend, Lease, MemoryBackend
from ._policy import CachedToken, RefreshPolicy

__all__ = ["TokenCache"]

log = logging.getLogger("anytoken.cache")

_monotonic = time.monotonic
_T = TypeVar("_T")
_WARN_EVERY = 30.0
_BUSY_BACKOFF = 0.25  # seconds between advisory attempts while another process holds the lock
#: longest wait for another caller's mint of the same key when the waiting call has no deadline
MAX_WAIT = 120.0


class _Flight(Future["Token | None"]):
    """One in-process mint that others wait on; ``loop``: the event loop of an async leader (else None)."""

    loop: Any = None


def _running_loop() -> Any:
    aio = sys.modules.get("asyncio")  # no event loop can run before asyncio is imported
    return aio.events._get_running_loop() if aio is not None else None


class _Slot:
    """One cached token in this process; ``fresh``/``usable``/``retry_at`` are ``time.monotonic()`` values."""

    __slots__ = ("entry", "fresh", "retry_at", "token", "usable")

    def __init__(self, entry: CachedToken, offset: float) -> None:
        self.entry = entry
        self.token = entry.token
        self.fresh = entry.fresh_until + offset
        self.usable = entry.usable_until + offset
        self.retry_at = 0.0


# what _decide tells a caller: (token to return, flight, lead?, slot)
_Decision = tuple[Token | None, "_Flight | None", bool, "_Slot | None"]


class TokenCache:
    """Caches tokens by key; see the module docstring for the rules.

    :param backend: where tokens are stored (default: a new :class:`MemoryBackend`).
    :param refresh: the :class:`RefreshPolicy` (windows scaled to each token's lifetime).
    :param max_entries: bound of the in-process layer (expired slots go first, then the oldest).
    :param max_wait: longest wait, in seconds, for another caller's mint of the same key when the waiting
        call gives no ``wait`` (its deadline); past it the waiter raises ``DeadlineExceededError``.
    """

    def __init__(
        self,
        backend: CacheBackend | None = None,
        *,
        refresh: RefreshPolicy | None = None,
        max_entries: int = 10_000,
        max_wait: float = MAX_WAIT,
    ) -> None:
        self.backend: CacheBackend = backend if backend is not None else MemoryBackend(max_entries=max_entries)
        self.refresh = refresh or RefreshPolicy()
        self.max_entries = max_entries
        self.max_wait = max_wait
        self._slots: dict[str, _Slot] = {}
        self._flights: dict[str, _Flight] = {}
        self._mutex = threading.Lock()
        self._last_warning = -_WARN_EVERY

    def __repr__(self) -> str:
        return f"TokenCache(backend={self.backend!r}, entries={len(self._slots)})"

    # -- public API ---------------------------------------------------------------------------------

    def get_or_mint(self, key: str, mint: Callable[[], Token], *, force_refresh: bool = False, wait: float | None = None) -> Token:
        """The cached token for ``key`` while fresh; otherwise one caller runs ``mint`` and all share it.

        ``wait``: longest wait for another caller's mint (default :attr:`max_wait`). A sync call on the thread of
        an event loop whose task is minting this key raises ``WaitWouldDeadlockError`` at once.
        """
        if not force_refresh:
            slot = self._slots.get(key)
            if slot is not None and _monotonic() < slot.fresh:
                return slot.token
        until = _monotonic() + (self.max_wait if wait is None else wait)
        while True:
            token, flight, lead, slot = self._decide(key, force_refresh)
            if token is not None:
                return token
            assert flight is not None
            if not lead:
                if flight.loop is not None and flight.loop is _running_loop():
                    raise _would_deadlock()
                _wait_for([flight], timeout=max(until - _monotonic(), 0.0))
                if not flight.done():
                    raise _waited_too_long(wait, self.max_wait)
                result = flight.result()  # raises the leader's error
                if result is None:  # the leader was interrupted: try again (maybe as leader)
                    continue
                return result
            try:
                token = self._fill(key, mint, force_refresh, slot)
            except Exception as exc:
                self._land(key, flight, error=exc)
                raise
            except BaseException:
                self._land(key, flight, result=None)
                raise
            self._land(key, flight, result=token)
            return token

    async def aget_or_mint(
        self, key: str, amint: Callable[[], Awaitable[Token]], *, force_refresh: bool = False, wait: float | None = None
    ) -> Token:
        """Async twin of :meth:`get_or_mint`; shares flights with threads and with tasks of any loop."""
        if not force_refresh:
            slot = self._slots.get(key)
            if slot is not None and _monotonic() < slot.fresh:
                return slot.token
        import asyncio  # here, not at import: sync users never pay for asyncio

        until = _monotonic() + (self.max_wait if wait is None else wait)
        while True:
            token, flight, lead, slot = self._decide(key, force_refresh, asyncio.get_running_loop())
            if token is not None:
                return token
            assert flight is not None
            if not lead:
                waiting = asyncio.wrap_future(flight)  # the flight is running: a cancelled waiter cannot cancel it
                await asyncio.wait([waiting], timeout=max(until - _monotonic(), 0.0))
                if not waiting.done():
                    waiting.cancel()
                    raise _waited_too_long(wait, self.max_wait)
                result = waiting.result()  # raises the leader's error
                if result is None:
                    continue
                return result
            try:
                token = await self._afill(key, amint, force_refresh, slot)
            except Exception as exc:
                self._land(key, flight, error=exc)
                raise
            except BaseException:  # cancelled: the waiters try again
                self._land(key, flight, result=None)
                raise
            self._land(key, flight, result=token)
            return token

    def invalidate(self, key: str, token: Token | None = None) -> None:
        """Drop the cached token (only if it is ``token``, when given: a newer one is kept)."""
        self._forget(key, token)
        self._guard("delete", lambda: self.backend.delete(key, value=token.value if token else None), None)

    async def ainvalidate(self, key: str, token: Token | None = None) -> None:
        self._forget(key, token)
        try:
            await self.backend.adelete(key, value=token.value if token else None)
        except Exception as exc:
            self._backend_failed("delete", exc)

    def discard(self, token: Token) -> None:
        """Drop every cached copy of ``token`` (after revoking it), whatever key it was cached under."""
        for key in self._keys_holding(token):
            self.invalidate(key, token)

    async def adiscard(self, token: Token) -> None:
        """Async twin of :meth:`discard`."""
        keys = set(self._keys_of(token))
        find = getattr(self.backend, "afind", None)
        if find is not None:
            try:
                keys.update(await find(token.value))
            except Exception as exc:
                self._backend_failed("read", exc)
        for key in keys:
            await self.ainvalidate(key, token)

    def _keys_of(self, token: Token) -> list[str]:
        with self._mutex:
            return [k for k, s in self._slots.items() if s.token.value == token.value]

    def _keys_holding(self, token: Token) -> set[str]:
        """Keys of this process's slots holding ``token``, plus those the backend finds (``find`` is optional)."""
        keys = set(self._keys_of(token))
        find = getattr(self.backend, "find", None)
        if find is not None:
            keys.update(self._guard("read", lambda: list(find(token.value)), []))
        return keys

    def peek(self, key: str) -> Token | None:
        """The token this process holds for ``key`` if still usable (no backend read, no mint)."""
        slot = self._slots.get(key)
        return slot.token if slot is not None and _monotonic() < slot.usable else None

    def clear(self) -> None:
        """Forget every token held in this process (the backend is left alone)."""
        with self._mutex:
            self._slots.clear()

    def close(self) -> None:
        self.backend.close()

    async def aclose(self) -> None:
        await self.backend.aclose()

    # -- flights and slots --------------------------------------------------------------------------

    def _decide(self, key: str, force: bool, loop: Any = None) -> _Decision:
        with self._mutex:
            now = _monotonic()
            slot = self._slots.get(key)
            advisory = False
            if slot is not None and not force:
                if now < slot.fresh:
                    return slot.token, None, False, slot
                advisory = now < slot.usable
            flight = self._flights.get(key)
            if flight is not None:
                if advisory:
                    assert slot is not None
                    return slot.token, None, False, slot
                return None, flight, False, slot
            if advisory and slot is not None and now < slot.retry_at:
                return slot.token, None, False, slot
            flight = _Flight()
            flight.loop = loop
            flight.set_running_or_notify_cancel()
            self._flights[key] = flight
            return None, flight, True, slot

    def _land(self, key: str, flight: _Flight, *, result: Token | None = None, error: BaseException | None = None) -> None:
        with self._mutex:
            if self._flights.get(key) is flight:
                del self._flights[key]
        if error is not None:
            flight.set_exception(error)
        else:
            flight.set_result(result)

    def _remember(self, key: str, entry: CachedToken) -> None:
        slot = _Slot(entry, _monotonic() - time.time())
        with self._mutex:
            old = self._slots.pop(key, None)
            if old is not None and old.token.value == entry.token.value:
                slot.retry_at = old.retry_at
            if len(self._slots) >= self.max_entries:
                now = _monotonic()
                for k in [k for k, s in self._slots.items() if s.usable <= now]:
                    del self._slots[k]
                while len(self._slots) >= self.max_entries:
                    del self._slots[next(iter(self._slots))]
            self._slots[key] = slot

    def _forget(self, key: str, token: Token | None = None) -> None:
        with self._mutex:
            slot = self._slots.get(key)
            if slot is not None and (token is None or slot.token.value == token.value):
                del self._slots[key]

    def _defer(self, key: str, seconds: float) -> None:
        """No advisory refresh of ``key`` for ``seconds`` (callers keep getting the valid token)."""
        with self._mutex:
            slot = self._slots.get(key)
            if slot is not None:
                slot.retry_at = _monotonic() + seconds

    def _advisory_failed(self, key: str, fallback: CachedToken, exc: Exception) -> Token:
        self._defer(key, self.refresh.retry_interval)
        left = fallback.usable_until - time.time()
        log.warning(
            "anytoken cache: refreshing a %s/%s token failed (%s); serving the cached one (usable %.0fs more), retrying in %gs",
            fallback.token.provider,
            fallback.token.kind,
            _describe(exc),
            left,
            self.refresh.retry_interval,
        )
        return fallback.token

    def _store(self, key: str, token: Token) -> CachedToken | None:
        entry = self.refresh.entry(token, time.time())
        if entry is None:
            self._forget(key)
        else:
            self._remember(key, entry)
        return entry

    # -- the leader's work --------------------------------------------------------------------------

    def _fallback(self, slot: _Slot | None, force: bool) -> CachedToken | None:
        if slot is None or force or time.time() >= slot.entry.usable_until:
            return None
        return slot.entry

    def _consider(
        self, key: str, current: CachedToken | None, force: bool, fallback: CachedToken | None, rejected: set[str]
    ) -> tuple[Token | None, CachedToken | None]:
        """(token to return now, fallback) after reading the backend's entry."""
        if current is None:
            return None, fallback
        if force:
            rejected.add(current.token.value)
            return None, fallback
        now = time.time()
        if now < current.fresh_until:
            self._remember(key, current)
            return current.token, fallback
        if now < current.usable_until and (fallback is None or current.usable_until > fallback.usable_until):
            self._remember(key, current)
            return None, current
        return None, fallback

    def _fill(self, key: str, mint: Callable[[], Token], force: bool, slot: _Slot | None) -> Token:
        fallback = self._fallback(slot, force)
        rejected = {slot.token.value} if force and slot is not None else set()
        done, fallback = self._consider(key, self._guard("read", lambda: self.backend.get(key), None), force, fallback, rejected)
        if done is not None:
            return done

        def ready(entry: CachedToken | None) -> bool:
            return entry is not None and time.time() < entry.fresh_until and entry.token.value not in rejected

        lease, found = self._acquire(key, ready, wait=fallback is None)
        try:
            if found is not None and ready(found):
                self._remember(key, found)
                return found.token
            if lease is None and fallback is not None:
                self._defer(key, _BUSY_BACKOFF)  # another process is refreshing it: look again shortly
                return fallback.token
            again = self._guard("read", lambda: self.backend.get(key), None)  # re-read after acquiring or giving up
            if again is not None and ready(again):
                self._remember(key, again)
                return again.token
            try:
                token = mint()
            except Exception as exc:
                if fallback is not None and time.time() < fallback.usable_until:
                    return self._advisory_failed(key, fallback, exc)
                raise
            entry = self._store(key, token)
            if entry is not None:
                self._guard("write", lambda: self.backend.set(key, entry), None)
            return token
        finally:
            if lease is not None:
                self._guard("unlock", lease.release, None)

    async def _afill(self, key: str, amint: Callable[[], Awaitable[Token]], force: bool, slot: _Slot | None) -> Token:
        fallback = self._fallback(slot, force)
        rejected = {slot.token.value} if force and slot is not None else set()
        done, fallback = self._consider(key, await self._aread(key), force, fallback, rejected)
        if done is not None:
            return done

        def ready(entry: CachedToken | None) -> bool:
            return entry is not None and time.time() < entry.fresh_until and entry.token.value not in rejected

        lease, found = await self._aacquire(key, ready, wait=fallback is None)
        try:
            if found is not None and ready(found):
                self._remember(key, found)
                return found.token
            if lease is None and fallback is not None:
                self._defer(key, _BUSY_BACKOFF)  # another process is refreshing it: look again shortly
                return fallback.token
            again = await self._aread(key)
            if again is not None and ready(again):
                self._remember(key, again)
                return again.token
            try:
                token = await amint()
            except Exception as exc:
                if fallback is not None and time.time() < fallback.usable_until:
                    return self._advisory_failed(key, fallback, exc)
                raise
            entry = self._store(key, token)
            if entry is not None:
                try:
                    await self.backend.aset(key, entry)
                except Exception as exc:
                    self._backend_failed("write", exc)
            return token
        finally:
            if lease is not None:
                try:
                    await lease.arelease()
                except Exception as exc:
                    self._backend_failed("unlock", exc)

    # -- backend calls: a broken backend never fails a caller ---------------------------------------

    def _acquire(self, key: str, ready: Callable[[CachedToken | None], bool], *, wait: bool) -> tuple[Lease | None, CachedToken | None]:
        try:
            return self.backend.acquire(key, ready, wait=wait)
        except Exception as exc:
            self._backend_failed("lock", exc)
            return NO_LEASE, None  # the store is down: mint locally, as if we held its lock

    async def _aacquire(
        self, key: str, ready: Callable[[CachedToken | None], bool], *, wait: bool
    ) -> tuple[AsyncLease | None, CachedToken | None]:
        try:
            return await self.backend.aacquire(key, ready, wait=wait)
        except Exception as exc:
            self._backend_failed("lock", exc)
            return NO_LEASE, None

    async def _aread(self, key: str) -> CachedToken | None:
        try:
            return await self.backend.aget(key)
        except Exception as exc:
            self._backend_failed("read", exc)
            return None

    def _guard(self, op: str, fn: Callable[[], _T], default: _T) -> _T:
        try:
            return fn()
        except Exception as exc:
            self._backend_failed(op, exc)
            return default

    def _backend_failed(self, op: str, exc: Exception) -> None:
        now = _monotonic()
        if now - self._last_warning >= _WARN_EVERY:
            self._last_warning = now
            log.warning("anytoken cache: the cache backend failed to %s (%s); minting locally", op, type(exc).__name__)


def _would_deadlock() -> Exception:
    from ..errors import WaitWouldDeadlockError

    return WaitWouldDeadlockError(
        "get_token was called on an event loop's thread while aget_token mints the same token on that loop: "
        "waiting would block the very loop that mint needs. In async code use `await client.aget_token(...)` "
        "(or run the sync call in a thread with `await asyncio.to_thread(client.get_token, ...)`)"
    )


def _waited_too_long(wait: float | None, max_wait: float) -> Exception:
    from ..errors import DeadlineExceededError

    how = f"the call's deadline ({wait:g}s)" if wait is not None else f"TokenCache(max_wait={max_wait:g})"
    return DeadlineExceededError(
        f"another caller's mint of the same token did not finish within {how}; try again, or give the minting call a RetryPolicy deadline"
    )


def _describe(exc: Exception) -> str:
    from ..errors import AnytokenError

    if isinstance(exc, AnytokenError):
        return f"{type(exc).__name__}: {exc}"  # messages of the error tree are scrubbed of secrets
    return type(exc).__name__
