"""TokenCache over the default in-memory backend: hits, windows, single flight, force, invalidate."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from cache_helpers import FakeMint, run_threads, token

from anytoken.cache import CachedToken, MemoryBackend, RefreshPolicy, TokenCache
from anytoken.errors import ProviderUnavailableError

KEY = "k" * 64
# a 1 s token under this policy: fresh 0.5 s, usable (advisory window) until 0.6 s, then mandatory
SHORT = RefreshPolicy(advisory_fraction=0.5, mandatory_fraction=0.4, min_usable=0.05)


def test_miss_then_hit(fake: FakeMint) -> None:
    cache = TokenCache()
    first = cache.get_or_mint(KEY, fake)
    assert [cache.get_or_mint(KEY, fake) for _ in range(100)] == [first] * 100
    assert fake.calls == 1
    assert cache.get_or_mint("other", fake) is not first
    assert fake.calls == 2


async def test_async_miss_then_hit(fake: FakeMint) -> None:
    cache = TokenCache()
    first = await cache.aget_or_mint(KEY, fake.amint)
    assert await cache.aget_or_mint(KEY, fake.amint) is first
    assert cache.get_or_mint(KEY, fake) is first  # sync and async share the cache
    assert fake.calls == 1


def test_policy_numbers() -> None:
    policy = RefreshPolicy()
    assert policy.margins(60) == pytest.approx((15, 6))  # a 60 s token: served as is for 45 s, usable for 54 s
    assert policy.margins(3600) == pytest.approx((900, 60))
    assert policy.margins(86400) == pytest.approx((900, 60))
    now = time.time()
    entry = policy.entry(token(lifetime=60), now)
    assert entry is not None
    assert entry.fresh_until - now == pytest.approx(45, abs=0.5)
    assert entry.usable_until - now == pytest.approx(54, abs=0.5)
    assert policy.entry(token(lifetime=60, age=56), now) is None  # already in its mandatory window: not cached
    unknown = policy.entry(token(expires=False), now)
    assert unknown is not None and unknown.usable_until - now == pytest.approx(300)
    assert RefreshPolicy(unknown_ttl=None).entry(token(expires=False), now) is None
    with pytest.raises(ValueError):
        RefreshPolicy(advisory_fraction=1.5)


def test_sixty_second_token_is_served_for_most_of_its_minute() -> None:
    mint = FakeMint(lifetime=60, age=40)  # 20 s left: still fresh? no: 15 s advisory margin -> fresh for 5 s more
    cache = TokenCache()
    first = cache.get_or_mint(KEY, mint)
    assert cache.get_or_mint(KEY, mint) is first
    assert mint.calls == 1


def test_unknown_expiry_cached_for_default_ttl() -> None:
    mint = FakeMint(expires=False)
    cache = TokenCache()
    assert cache.get_or_mint(KEY, mint) is cache.get_or_mint(KEY, mint)
    assert mint.calls == 1
    no_cache = TokenCache(refresh=RefreshPolicy(unknown_ttl=None))
    assert no_cache.get_or_mint(KEY, mint) is not no_cache.get_or_mint(KEY, mint)
    assert mint.calls == 3


def test_advisory_window_one_refresh_others_served() -> None:
    mint = FakeMint(lifetime=120, age=100)  # born inside its advisory window (20 s left, margins 30 s / 12 s)
    cache = TokenCache()
    old = cache.get_or_mint(KEY, mint)
    mint.age = 0  # the refreshed token is fresh
    mint.gate = threading.Event()
    refresher = threading.Thread(target=lambda: cache.get_or_mint(KEY, mint))
    refresher.start()
    assert mint.entered.wait(5)
    started = time.monotonic()
    served = run_threads(50, lambda: cache.get_or_mint(KEY, mint))
    assert time.monotonic() - started < 2  # nobody waited for the refresh
    assert all(t is old for t in served)
    mint.gate.set()
    refresher.join(5)
    new = cache.get_or_mint(KEY, mint)
    assert new.value == "tok-2" and mint.calls == 2


def test_failed_advisory_refresh_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    mint = FakeMint(lifetime=120, age=100)
    cache = TokenCache(refresh=RefreshPolicy(retry_interval=60))
    old = cache.get_or_mint(KEY, mint)
    mint.fail = True
    with caplog.at_level(logging.WARNING, logger="anytoken.cache"):
        assert cache.get_or_mint(KEY, mint) is old
    assert mint.calls == 2
    assert "refreshing a fake/session token failed" in caplog.text and "ProviderUnavailableError" in caplog.text
    assert old.value not in caplog.text
    # within retry_interval nobody tries again
    assert [cache.get_or_mint(KEY, mint) for _ in range(10)] == [old] * 10
    assert mint.calls == 2


async def test_failed_advisory_refresh_async(caplog: pytest.LogCaptureFixture) -> None:
    mint = FakeMint(lifetime=120, age=100)
    cache = TokenCache()
    old = await cache.aget_or_mint(KEY, mint.amint)
    mint.fail = True
    with caplog.at_level(logging.WARNING, logger="anytoken.cache"):
        assert await cache.aget_or_mint(KEY, mint.amint) is old
    assert "failed" in caplog.text and mint.calls == 2


def _into_mandatory(cache: TokenCache, mint: FakeMint) -> None:
    cache.get_or_mint(KEY, mint)
    time.sleep(0.65)  # past fresh (0.5 s) and usable (0.6 s): the mandatory window (or expired: same rules)


def test_mandatory_window_callers_wait_for_the_refresh() -> None:
    mint = FakeMint(lifetime=1.0)
    cache = TokenCache(refresh=SHORT)
    _into_mandatory(cache, mint)
    mint.lifetime = 3600
    mint.gate = threading.Event()
    mint.entered.clear()
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_mint(KEY, mint))) for _ in range(20)]
    for t in threads:
        t.start()
    assert mint.entered.wait(5)
    time.sleep(0.1)
    assert results == []  # everybody waits
    mint.gate.set()
    for t in threads:
        t.join(5)
    assert len(results) == 20 and {r.value for r in results} == {"tok-2"}  # type: ignore[attr-defined]
    assert mint.calls == 2


def test_mandatory_refresh_failure_raises_for_every_waiter() -> None:
    mint = FakeMint(lifetime=1.0)
    cache = TokenCache(refresh=SHORT)
    _into_mandatory(cache, mint)
    mint.fail = True
    mint.delay = 0.2
    results = run_threads(20, lambda: cache.get_or_mint(KEY, mint))
    assert all(isinstance(r, ProviderUnavailableError) for r in results)
    assert mint.calls == 2  # one failed refresh shared by all
    mint.fail, mint.delay = False, 0.0
    assert cache.get_or_mint(KEY, mint).value == "tok-3"  # the next call tries again


async def test_mandatory_failure_raises_async() -> None:
    mint = FakeMint(lifetime=1.0)
    cache = TokenCache(refresh=SHORT)
    await cache.aget_or_mint(KEY, mint.amint)
    await asyncio.sleep(0.65)
    mint.fail = True
    with pytest.raises(ProviderUnavailableError):
        await cache.aget_or_mint(KEY, mint.amint)


def test_force_refresh_mints_once_for_all(fake: FakeMint) -> None:
    cache = TokenCache()
    first = cache.get_or_mint(KEY, fake)
    fake.delay = 0.3
    results = run_threads(30, lambda: cache.get_or_mint(KEY, fake, force_refresh=True))
    values = {r.value for r in results}
    assert first.value not in values
    assert fake.calls <= 3  # one flight, and at most a few callers that came after it landed
    assert cache.get_or_mint(KEY, fake).value in values


def test_invalidate(fake: FakeMint) -> None:
    cache = TokenCache()
    first = cache.get_or_mint(KEY, fake)
    cache.invalidate(KEY)
    second = cache.get_or_mint(KEY, fake)
    assert second is not first and fake.calls == 2
    cache.invalidate(KEY, first)  # the rejected token is no longer cached: the newer one stays
    assert cache.get_or_mint(KEY, fake) is second
    cache.invalidate(KEY, second)
    assert cache.get_or_mint(KEY, fake).value == "tok-3"


async def test_ainvalidate(fake: FakeMint) -> None:
    cache = TokenCache()
    first = await cache.aget_or_mint(KEY, fake.amint)
    await cache.ainvalidate(KEY)
    assert (await cache.aget_or_mint(KEY, fake.amint)) is not first


def test_error_on_miss_is_raised_and_not_cached(fake: FakeMint) -> None:
    cache = TokenCache()
    fake.fail = True
    with pytest.raises(ProviderUnavailableError):
        cache.get_or_mint(KEY, fake)
    fake.fail = False
    assert cache.get_or_mint(KEY, fake).value == "tok-2"


def test_thousand_threads_and_thousand_tasks_one_mint() -> None:
    mint = FakeMint(delay=0.5)
    cache = TokenCache()
    n = 1000
    barrier = threading.Barrier(n + 1)
    thread_results: list[object] = []

    def work() -> None:
        barrier.wait()
        thread_results.append(cache.get_or_mint(KEY, mint))

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()

    async def tasks() -> list[object]:
        gate = asyncio.Event()

        async def one() -> object:
            await gate.wait()
            return await cache.aget_or_mint(KEY, mint.amint)

        pending = [asyncio.create_task(one()) for _ in range(n)]
        await asyncio.sleep(0)
        barrier.wait()  # threads and tasks go together
        gate.set()
        return list(await asyncio.gather(*pending))

    task_results = asyncio.run(tasks())
    for t in threads:
        t.join(30)
    assert mint.calls == 1
    assert len(thread_results) == n and len(task_results) == n
    assert {id(r) for r in thread_results + task_results} == {id(thread_results[0])}


async def test_cancelled_waiter_does_not_cancel_the_flight() -> None:
    mint = FakeMint(delay=0.3)
    cache = TokenCache()
    leader = asyncio.create_task(cache.aget_or_mint(KEY, mint.amint))
    await asyncio.sleep(0.05)
    waiter = asyncio.create_task(cache.aget_or_mint(KEY, mint.amint))
    await asyncio.sleep(0.05)
    waiter.cancel()
    assert (await leader).value == "tok-1"
    assert mint.calls == 1


async def test_cancelled_leader_hands_over() -> None:
    mint = FakeMint(delay=0.3)
    cache = TokenCache()
    leader = asyncio.create_task(cache.aget_or_mint(KEY, mint.amint))
    await asyncio.sleep(0.05)
    waiter = asyncio.create_task(cache.aget_or_mint(KEY, mint.amint))
    await asyncio.sleep(0.05)
    leader.cancel()
    assert (await waiter).value == "tok-2"  # the waiter led a new flight


def test_broken_backend_never_fails_a_caller(fake: FakeMint, caplog: pytest.LogCaptureFixture) -> None:
    class Broken(MemoryBackend):
        def get(self, key: str) -> CachedToken | None:
            raise RuntimeError("boom")

        def set(self, key: str, entry: CachedToken) -> None:
            raise RuntimeError("boom")

    cache = TokenCache(Broken())
    with caplog.at_level(logging.WARNING, logger="anytoken.cache"):
        first = cache.get_or_mint(KEY, fake)
    assert cache.get_or_mint(KEY, fake) is first and fake.calls == 1
    assert "cache backend failed" in caplog.text


def test_shared_memory_backend_between_caches(fake: FakeMint) -> None:
    backend = MemoryBackend()
    a, b = TokenCache(backend), TokenCache(backend)
    assert a.get_or_mint(KEY, fake) is b.get_or_mint(KEY, fake)
    assert fake.calls == 1


def test_bounded_entries(fake: FakeMint) -> None:
    cache = TokenCache(max_entries=10)
    for i in range(50):
        cache.get_or_mint(f"key-{i}", fake)
    assert len(cache._slots) <= 10 and len(cache.backend) <= 10  # type: ignore[arg-type]
    assert cache.peek("key-49") is not None and cache.peek("key-0") is None


def test_token_already_expired_is_returned_not_cached() -> None:
    mint = FakeMint(lifetime=60, age=120)
    cache = TokenCache()
    assert cache.get_or_mint(KEY, mint).value == "tok-1"
    assert cache.get_or_mint(KEY, mint).value == "tok-2"


def test_hit_path_reads_no_lock(fake: FakeMint) -> None:
    cache = TokenCache()
    first = cache.get_or_mint(KEY, fake)
    with cache._mutex:  # a held mutex does not block a hit
        assert cache.get_or_mint(KEY, fake) is first


def test_windows_are_computed_from_issued_at() -> None:
    policy = RefreshPolicy()
    now = time.time()
    t = token(lifetime=600)
    entry = policy.entry(t, now)
    assert entry is not None
    assert t.expires_at is not None
    assert entry.usable_until == pytest.approx(t.expires_at.timestamp() - 60)
    assert entry.fresh_until == pytest.approx(t.expires_at.timestamp() - 150)
    future = t.__class__(
        "fake", "session", "x", expires_at=datetime.now(UTC) + timedelta(seconds=60), issued_at=datetime.now(UTC) + timedelta(hours=1)
    )
    e2 = policy.entry(future, now)  # an issued_at in the future (clock skew) counts from now
    assert e2 is not None and e2.usable_until - now == pytest.approx(54, abs=0.5)
