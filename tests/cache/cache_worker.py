"""A separate OS process asking a Redis-backed TokenCache for one token (run by the Redis tests).

usage: python cache_worker.py URL MODE START_AT THREADS TASKS [LOCK_TTL]

MODE ``race``: THREADS threads and TASKS asyncio tasks call at START_AT (epoch seconds); the mint counts
itself with INCR test:mints and takes 0.5 s. Prints the distinct token values seen, as JSON.
MODE ``hold``: mint counts itself, then hangs (the test kills this process while it holds the lock).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import redis

from anytoken import Token
from anytoken.cache import RedisBackend, TokenCache

KEY = "w" * 64
ENCRYPTION_KEY = "0" * 43 + "="  # a valid Fernet key (32 zero bytes, urlsafe base64): tests only


def main() -> None:
    url, mode, start_at, n_threads, n_tasks = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    lock_ttl = float(sys.argv[6]) if len(sys.argv) > 6 else 10.0
    counter = redis.Redis.from_url(url)
    backend = RedisBackend(url, encryption_key=ENCRYPTION_KEY, lock_ttl=lock_ttl)
    cache = TokenCache(backend)

    def make() -> Token:
        n = counter.incr("test:mints")
        if mode == "hold":
            time.sleep(3600)
        time.sleep(0.5)
        return Token("fake", "session", f"tok-{os.getpid()}-{n}", expires_at=datetime.now(UTC) + timedelta(hours=1))

    async def amake() -> Token:
        return await asyncio.to_thread(make)

    seen: set[str] = set()
    lock = threading.Lock()

    def work() -> None:
        time.sleep(max(0.0, start_at - time.time()))
        value = cache.get_or_mint(KEY, make).value
        with lock:
            seen.add(value)

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for t in threads:
        t.start()

    async def tasks() -> None:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        values = await asyncio.gather(*(cache.aget_or_mint(KEY, amake) for _ in range(n_tasks)))
        with lock:
            seen.update(v.value for v in values)
        await cache.aclose()

    asyncio.run(tasks())
    for t in threads:
        t.join()
    cache.close()
    print(json.dumps(sorted(seen)))


if __name__ == "__main__":
    main()
