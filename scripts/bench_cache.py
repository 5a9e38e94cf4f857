"""Benchmark of the token cache: hit cost and single flight.

    python scripts/bench_cache.py [--redis redis://127.0.0.1:6379/0] [-n 200000]

Prints the cost of a cache hit (``TokenCache.get_or_mint``, the target is <= 5 us), of ``cache_key``, of a
whole ``Client.get_token`` hit (prepare + validate + key + lookup), optionally of a Redis read (a process
whose in-memory layer is cold), and the number of mints when 1,000 threads and 1,000 asyncio tasks ask
for one token at once (must be 1).
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import anytoken
from anytoken import CredentialField, Param, ProviderInfo, Token, TokenKind, TokenRequest, hookimpl
from anytoken.cache import TokenCache, cache_key
from anytoken.plugins import Registry

KEY = "b" * 64


def per_call_us(fn: Callable[[], object], n: int, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, time.perf_counter() - started)
    return best / n * 1e6


def new_token() -> Token:
    return Token("bench", "session", "tok-" + "x" * 40, expires_at=datetime.now(UTC) + timedelta(hours=1))


class BenchPlugin:
    @hookimpl
    def anytoken_providers(self) -> list[ProviderInfo]:
        kind = TokenKind("session", params=(Param("user", "str", required=True),), credentials=("api_key",))
        return [
            ProviderInfo(
                "bench",
                (kind,),
                credentials=(CredentialField("api_key", env=("BENCH_KEY",)),),
                base_urls=(("default", "https://b.example.com"),),
            )
        ]

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        return Token("bench", "session", "tok-" + "y" * 40, expires_at=datetime.now(UTC) + timedelta(hours=1))


BenchClient = anytoken.Client  # get_token is built into the client


def single_flight(n: int) -> int:
    mints = 0
    lock = threading.Lock()

    def mint() -> Token:
        nonlocal mints
        with lock:
            mints += 1
        time.sleep(0.3)
        return new_token()

    async def amint() -> Token:
        return await asyncio.to_thread(mint)

    cache = TokenCache()
    barrier = threading.Barrier(n + 1)
    threads = [threading.Thread(target=lambda: (barrier.wait(), cache.get_or_mint(KEY, mint))) for _ in range(n)]
    for t in threads:
        t.start()

    async def tasks() -> None:
        go = asyncio.Event()

        async def one() -> Token:
            await go.wait()
            return await cache.aget_or_mint(KEY, amint)

        pending = [asyncio.create_task(one()) for _ in range(n)]
        await asyncio.sleep(0)
        barrier.wait()
        go.set()
        await asyncio.gather(*pending)

    asyncio.run(tasks())
    for t in threads:
        t.join()
    return mints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--redis", help="also measure a Redis read (URL of a redis-server you can write to)")
    parser.add_argument("-n", type=int, default=200_000, help="calls per measurement")
    args = parser.parse_args()

    cache = TokenCache()
    cache.get_or_mint(KEY, new_token)
    hit = per_call_us(lambda: cache.get_or_mint(KEY, new_token), args.n)
    print(f"TokenCache hit (get_or_mint):     {hit:6.2f} us   (target <= 5 us)")

    async def ahit_loop(n: int) -> float:
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(n):
                await cache.aget_or_mint(KEY, _never)
            best = min(best, time.perf_counter() - started)
        return best / n * 1e6

    print(f"TokenCache hit (aget_or_mint):    {asyncio.run(ahit_loop(args.n)):6.2f} us")

    registry = Registry(entry_points=False)
    registry.register(BenchPlugin(), name="bench")
    client = BenchClient(registry=registry, env={"BENCH_KEY": "bench-key-123456"})
    try:
        client.get_token("bench", user="ann")
        request = client.prepare("bench", params={"user": "ann"})
        print(f"cache_key(request):               {per_call_us(lambda: cache_key(request), args.n // 10):6.2f} us")
        full = per_call_us(lambda: client.get_token("bench", user="ann"), args.n // 10)
        print(f"Client.get_token hit (end to end): {full:6.2f} us   (prepare + validate + key + hit)")
    finally:
        client.close()

    if args.redis:
        from anytoken.cache import RedisBackend

        backend = RedisBackend(args.redis, encryption_key="0" * 43 + "=", prefix="anytoken-bench:")
        TokenCache(backend).get_or_mint(KEY, new_token)
        cold = per_call_us(lambda: TokenCache(backend).get_or_mint(KEY, new_token), 2000)
        print(f"Redis read, encrypted (cold process layer): {cold:6.1f} us")
        backend.close()

    print(f"mints for 1,000 threads + 1,000 tasks at once: {single_flight(1000)}")


async def _never() -> Token:
    raise AssertionError("a hit must not mint")


if __name__ == "__main__":
    main()
