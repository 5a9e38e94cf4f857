"""RedisBackend against a real redis-server: sharing, encryption, cross-process single flight, faults."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cache_helpers import CachyPlugin, FakeMint, RedisServer, env_for_subprocess, make_client, run_threads, token
from cryptography.fernet import Fernet

from anytoken import Token
from anytoken.cache import RedisBackend, TokenCache, cache_key
from anytoken.cache import _redis as redis_module

pytestmark = pytest.mark.redis

KEY = "r" * 64
SECRET_KEY = Fernet.generate_key()
WORKER = str(Path(__file__).parent / "cache_worker.py")


def backend(server: RedisServer, **kwargs: object) -> RedisBackend:
    kwargs.setdefault("encryption_key", SECRET_KEY)
    kwargs.setdefault("socket_timeout", 0.2)
    kwargs.setdefault("retry_interval", 0.2)
    return RedisBackend(server.url, **kwargs)  # type: ignore[arg-type]


def test_shared_between_caches_and_encrypted_at_rest(redis_server: RedisServer, fake: FakeMint, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="anytoken"):
        one, two = TokenCache(backend(redis_server)), TokenCache(backend(redis_server))  # two "processes"
        first = one.get_or_mint(KEY, fake)
        assert two.get_or_mint(KEY, fake) == first and fake.calls == 1
    admin = redis_server.admin()
    raw = admin.get(f"anytoken:tok:{KEY}")
    assert raw is not None and first.value.encode() not in raw
    assert 3541 * 1000 > admin.pttl(f"anytoken:tok:{KEY}") > 3500 * 1000  # TTL: until the mandatory window (1 h - 60 s)
    assert first.value not in caplog.text and SECRET_KEY.decode() not in caplog.text
    one.close()
    two.close()


def test_serialised_token_round_trips(redis_server: RedisServer) -> None:
    b = backend(redis_server)
    t = token("abc", lifetime=600)
    t = t.__class__(t.provider, t.kind, t.secret, t.expires_at, t.issued_at, "tok-id", {"scope": ["a", "b"]}, raw=object())
    cache = TokenCache(b)
    cache.get_or_mint(KEY, lambda: t)
    got = TokenCache(b).get_or_mint(KEY, lambda: pytest.fail("should be a hit"))
    assert (got.value, got.expires_at, got.issued_at, got.id, dict(got.metadata), got.raw) == (
        "abc",
        t.expires_at,
        t.issued_at,
        "tok-id",
        {"scope": ["a", "b"]},
        None,
    )
    b.close()


def test_plaintext_warning_logged_once(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(redis_module, "_plaintext_warned", False)
    with caplog.at_level(logging.WARNING, logger="anytoken.cache"):
        a = RedisBackend(redis_server.url)
        b = RedisBackend(redis_server.url)
    assert caplog.text.count("unencrypted") == 1 and "encryption_key" in caplog.text
    assert not a.encrypted and not b.encrypted
    fake = FakeMint()
    first = TokenCache(a).get_or_mint(KEY, fake)
    assert first.value.encode() in redis_server.admin().get(f"anytoken:tok:{KEY}")
    assert TokenCache(b).get_or_mint(KEY, fake) == first
    a.close()
    b.close()


def test_wrong_key_corrupt_and_plaintext_entries_are_misses(
    redis_server: RedisServer, fake: FakeMint, caplog: pytest.LogCaptureFixture
) -> None:
    writer = backend(redis_server)
    first = TokenCache(writer).get_or_mint(KEY, fake)
    other_key = TokenCache(backend(redis_server, encryption_key=Fernet.generate_key()))
    with caplog.at_level(logging.WARNING, logger="anytoken.cache"):
        assert other_key.get_or_mint(KEY, fake) != first
    assert fake.calls == 2 and "could not be read" in caplog.text
    redis_server.admin().set(f"anytoken:tok:{KEY}", b"\x00garbage{")
    assert TokenCache(writer).get_or_mint(KEY, fake).value == "tok-3"  # corrupt: a miss, overwritten
    assert TokenCache(writer).get_or_mint(KEY, fake).value == "tok-3"
    # an entry copied under another key is a miss too (the key is inside the encrypted document)
    admin = redis_server.admin()
    admin.set(f"anytoken:tok:{'x' * 64}", admin.get(f"anytoken:tok:{KEY}"))
    assert TokenCache(writer).get_or_mint("x" * 64, fake).value == "tok-4"
    with pytest.raises(Exception, match="not a valid Fernet key") as info:
        backend(redis_server, encryption_key="not-a-key-but-secret")
    assert "not-a-key-but-secret" not in str(info.value)


def test_flushed_redis_mints_again(redis_server: RedisServer, fake: FakeMint) -> None:
    b = backend(redis_server)
    TokenCache(b).get_or_mint(KEY, fake)
    redis_server.admin().flushall()
    assert TokenCache(b).get_or_mint(KEY, fake).value == "tok-2"
    assert TokenCache(b).get_or_mint(KEY, fake).value == "tok-2"
    assert fake.calls == 2


def test_invalidate_reaches_redis_and_spares_newer_tokens(redis_server: RedisServer, fake: FakeMint) -> None:
    b = backend(redis_server)
    one, two = TokenCache(b), TokenCache(b)
    first = one.get_or_mint(KEY, fake)
    assert two.get_or_mint(KEY, fake) == first
    one.invalidate(KEY, first)
    second = TokenCache(b).get_or_mint(KEY, fake)
    assert second.value == "tok-2"
    two.invalidate(KEY, first)  # a late rejection of the old token keeps the new one in Redis
    assert TokenCache(b).get_or_mint(KEY, fake) == second
    two.invalidate(KEY)
    assert TokenCache(b).get_or_mint(KEY, fake).value == "tok-3"


async def test_async_redis(redis_server: RedisServer, fake: FakeMint) -> None:
    b = backend(redis_server)
    one, two = TokenCache(b), TokenCache(b)
    first = await one.aget_or_mint(KEY, fake.amint)
    assert await two.aget_or_mint(KEY, fake.amint) == first
    await two.ainvalidate(KEY, first)
    assert (await TokenCache(b).aget_or_mint(KEY, fake.amint)).value == "tok-2"
    results = await asyncio.gather(*(TokenCache(b).aget_or_mint("a" * 64, fake.amint) for _ in range(20)))
    assert len({r.value for r in results}) == 1  # 20 "processes" racing through the Redis lock
    assert fake.calls == 3
    await b.aclose()
    b.close()


async def test_async_with_a_sync_client_only(redis_server: RedisServer, fake: FakeMint) -> None:
    import redis

    client = redis.Redis(host="127.0.0.1", port=redis_server.port)
    b = RedisBackend(client, encryption_key=SECRET_KEY)
    first = await TokenCache(b).aget_or_mint(KEY, fake.amint)
    assert await TokenCache(b).aget_or_mint(KEY, fake.amint) == first and fake.calls == 1
    client.close()


def test_get_token_over_redis(redis_server: RedisServer, cachy: CachyPlugin) -> None:
    with make_client(cachy, cache=TokenCache(backend(redis_server))) as a, make_client(cachy, cache=TokenCache(backend(redis_server))) as b:
        t = a.get_token("cachy", user="ann")
        assert b.get_token("cachy", user="ann") == t
        key = cache_key(a.prepare("cachy", params={"user": "ann"}))
        assert redis_server.admin().exists(f"anytoken:tok:{key}")
        assert cachy.calls == 1


def test_threads_across_caches_one_mint(redis_server: RedisServer) -> None:
    mint = FakeMint(delay=0.3)
    caches = [TokenCache(backend(redis_server)) for _ in range(5)]
    results = run_threads(100, lambda: caches[threading.get_ident() % 5].get_or_mint(KEY, mint))
    assert mint.calls == 1 and len({r.value for r in results}) == 1


def test_processes_threads_and_tasks_one_mint(redis_server: RedisServer) -> None:
    start_at = time.time() + 2.0  # after every worker has imported and connected
    procs = [
        subprocess.Popen(
            [sys.executable, WORKER, redis_server.url, "race", str(start_at), "50", "50"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env_for_subprocess(),
        )
        for _ in range(4)
    ]
    seen: set[str] = set()
    for p in procs:
        out, err = p.communicate(timeout=30)
        assert p.returncode == 0, err.decode()
        seen.update(json.loads(out))
    assert int(redis_server.admin().get("test:mints")) == 1
    assert len(seen) == 1


# -- faults -----------------------------------------------------------------------------------------


def test_redis_stopped_then_restarted(redis_server: RedisServer, fake: FakeMint, caplog: pytest.LogCaptureFixture) -> None:
    b = backend(redis_server)
    first = TokenCache(b).get_or_mint(KEY, fake)
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="anytoken.cache"):
        started = time.monotonic()
        local = TokenCache(b)  # a process that starts while Redis is down
        down = local.get_or_mint(KEY, fake)
        assert local.get_or_mint(KEY, fake) is down  # cached in process meanwhile
        assert TokenCache(b).get_or_mint(KEY, fake).value == "tok-3"
        assert time.monotonic() - started < 2
    assert down.value == "tok-2" and not down.is_expired()
    assert caplog.text.count("unreachable or too slow") == 1
    assert first.value not in caplog.text and down.value not in caplog.text
    caplog.clear()
    redis_server.start()  # same port, empty (no persistence)
    time.sleep(0.3)  # past retry_interval
    with caplog.at_level(logging.WARNING, logger="anytoken.cache"):
        again = TokenCache(b).get_or_mint(KEY, fake)
        assert TokenCache(b).get_or_mint(KEY, fake) == again  # shared through Redis again
    assert again.value == "tok-4" and fake.calls == 4
    assert "reachable again" in caplog.text
    b.close()


async def test_redis_down_async(redis_server: RedisServer, fake: FakeMint, caplog: pytest.LogCaptureFixture) -> None:
    b = backend(redis_server)
    await TokenCache(b).aget_or_mint(KEY, fake.amint)
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="anytoken.cache"):
        t = await TokenCache(b).aget_or_mint(KEY, fake.amint)
    assert t.value == "tok-2" and "unreachable" in caplog.text
    await b.aclose()


def test_slow_redis_times_out_and_mints_locally(redis_server: RedisServer, fake: FakeMint, caplog: pytest.LogCaptureFixture) -> None:
    b = backend(redis_server, socket_timeout=0.2)
    TokenCache(b).get_or_mint(KEY, fake)
    pauser = redis_server.admin()
    pauser.execute_command("CLIENT", "PAUSE", "1000", "ALL")
    with caplog.at_level(logging.WARNING, logger="anytoken.cache"):
        started = time.monotonic()
        t = TokenCache(b).get_or_mint(KEY, fake)
        elapsed = time.monotonic() - started
    assert t.value == "tok-2" and elapsed < 0.8
    assert "TimeoutError" in caplog.text
    time.sleep(1.0)
    assert TokenCache(b).get_or_mint(KEY, fake).value == "tok-1"  # Redis still had it


def test_lock_holder_killed(redis_server: RedisServer) -> None:
    """A process dies holding the lock: the others wait until it expires, then exactly one mints."""
    lock_ttl = 2.0
    holder = subprocess.Popen(
        [sys.executable, WORKER, redis_server.url, "hold", "0", "1", "0", str(lock_ttl)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env_for_subprocess(),
    )
    admin = redis_server.admin()
    try:
        deadline = time.monotonic() + 15
        while admin.get("test:mints") is None:  # the holder has the lock and is minting
            assert time.monotonic() < deadline and holder.poll() is None, holder.stderr.read().decode() if holder.stderr else ""
            time.sleep(0.02)
        lock_name = f"anytoken:lock:{'w' * 64}"
        assert admin.exists(lock_name)

        def mint() -> Token:
            admin.incr("test:mints")
            return token("after-kill")

        caches = [
            TokenCache(RedisBackend(redis_server.url, encryption_key="0" * 43 + "=", lock_ttl=lock_ttl, lock_wait=5)) for _ in range(3)
        ]
        remaining = admin.pttl(lock_name) / 1000
        assert remaining > 0.3, "the holder's lock must still be held when the others ask"
        started = time.monotonic()
        box: list[object] = []
        callers = [threading.Thread(target=lambda c=c: box.append(c.get_or_mint("w" * 64, mint))) for c in caches for _ in range(5)]
        for t in callers:
            t.start()
        time.sleep(0.1)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(5)
        for t in callers:
            t.join(10)
        elapsed = time.monotonic() - started
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(5)
        if holder.stderr is not None:
            holder.stderr.close()
    assert len(box) == 15 and {t.value for t in box} == {"after-kill"}  # type: ignore[attr-defined]
    assert int(admin.get("test:mints")) == 2  # the dead holder's, then one more
    assert remaining - 0.1 <= elapsed <= remaining + 1.0  # they waited for the lock to expire, not much longer


def test_advisory_window_while_another_process_refreshes(redis_server: RedisServer) -> None:
    from anytoken.cache import RefreshPolicy

    b = backend(redis_server)
    mint = FakeMint(lifetime=120, age=100)  # born inside its advisory window
    first = TokenCache(b).get_or_mint(KEY, mint)
    admin = redis_server.admin()
    admin.set(f"anytoken:lock:{KEY}", "another-process", px=5000)  # someone else is refreshing
    other = TokenCache(b)
    started = time.monotonic()
    assert other.get_or_mint(KEY, mint) == first  # the valid token, at once
    assert time.monotonic() - started < 0.5 and mint.calls == 1
    entry = RefreshPolicy().entry(token("refreshed"), time.time())
    assert entry is not None
    b.set(KEY, entry)  # the other process lands its token and frees the lock
    admin.delete(f"anytoken:lock:{KEY}")
    time.sleep(0.3)
    assert other.get_or_mint(KEY, mint).value == "refreshed"
    assert mint.calls == 1


def test_discard_drops_a_revoked_token_under_every_key_in_redis(redis_server: RedisServer, fake: FakeMint) -> None:
    """Revoking (TokenCache.discard) finds the token in Redis although this process never cached it (SCAN)."""
    b = backend(redis_server, prefix="any*token[x]:")  # glob characters in the prefix are escaped
    other = backend(redis_server, prefix="other:")
    first = TokenCache(b).get_or_mint(KEY, fake)
    TokenCache(b).get_or_mint("s" * 64, lambda: first)
    TokenCache(other).get_or_mint(KEY, lambda: first)
    assert sorted(b.find(first.value)) == [KEY, "s" * 64]
    TokenCache(b).discard(first)
    assert b.find(first.value) == [] and b.get(KEY) is None
    assert other.get(KEY) is not None, "another prefix is another cache"


async def test_adiscard_in_redis(redis_server: RedisServer, fake: FakeMint) -> None:
    b = backend(redis_server)
    try:
        first = await TokenCache(b).aget_or_mint(KEY, fake.amint)
        await TokenCache(b).adiscard(first)
        assert await b.afind(first.value) == []
    finally:
        await b.aclose()  # its redis.asyncio connection belongs to this test's loop
