#!/usr/bin/env python3
"""What ``anytoken.auth.HttpxAuth`` adds to a request on a cache hit, against a bare ``httpx.Client`` request.

    python bench/auth_overhead.py            # prints the markdown row for docs/benchmarks.md
    python bench/auth_overhead.py --json

The token is minted once at the sandbox (127.0.0.1, in this process); then both clients send the same GET
through one ``httpx.MockTransport`` answering 200, so the network is out of the comparison and what remains
is httpx's own request path with and without the auth flow (``get_token``'s hit path, the header). Rounds
alternate bare / auth to spread drift; the figure is the median of rounds of ``n`` requests each.

:func:`bench_auth_overhead` is the self-contained function a runner can call.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any


def bench_auth_overhead(n: int = 2000, rounds: int = 15, provider: str = "quadrata") -> dict[str, Any]:
    """µs per request for a bare ``httpx.Client`` and for one with ``HttpxAuth`` (cache hit), and the difference."""
    import httpx
    from anytoken.auth import HttpxAuth
    from anytoken.devkit.sandbox import Sandbox

    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"{}"))
    with Sandbox(seed=1) as sb, sb.client(env={}) as client:
        auth = HttpxAuth(provider, client=client)
        bare = httpx.Client(transport=transport, base_url="http://api.test")
        authed = httpx.Client(transport=transport, base_url="http://api.test", auth=auth)
        try:
            authed.get("/warm")  # the one mint
            mints = sb.requests(provider)
            samples: dict[str, list[float]] = {"bare": [], "auth": []}
            for _ in range(rounds):
                for name, http in (("bare", bare), ("auth", authed)):
                    started = time.perf_counter()
                    for _ in range(n):
                        http.get("/resource")
                    samples[name].append((time.perf_counter() - started) / n * 1e6)
            flow = _flow_only(auth, n)
            hit = _best(lambda: client.get_token(provider), n)
            if sb.requests(provider) != mints:
                raise RuntimeError("the auth object minted during the measurement: not a cache hit")
        finally:
            bare.close()
            authed.close()
    bare_us, auth_us = statistics.median(samples["bare"]), statistics.median(samples["auth"])
    return {
        "provider": provider,
        "requests_per_round": n,
        "rounds": rounds,
        "bare_us": round(bare_us, 2),
        "auth_us": round(auth_us, 2),
        "added_us": round(auth_us - bare_us, 2),
        "flow_us": round(flow, 2),
        "get_token_hit_us": round(hit, 2),
    }


def _flow_only(auth: Any, n: int) -> float:
    """µs per run of the auth flow alone (token from the cache, header set), without httpx's send path."""
    import httpx

    request = httpx.Request("GET", "http://api.test/resource")

    def once() -> None:
        flow = auth.sync_auth_flow(request)
        next(flow)
        flow.close()

    return _best(once, n)


def _best(fn: Any, n: int) -> float:
    """Best of 5 rounds, µs per call (the least disturbed round)."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - started) / n * 1e6)
    return best


def markdown_row(result: dict[str, Any]) -> str:
    return (
        f"| HttpxAuth({result['provider']!r}), cache hit | {result['bare_us']:.1f} µs | {result['auth_us']:.1f} µs "
        f"| {result['added_us']:+.1f} µs | {result['flow_us']:.1f} µs | {result['get_token_hit_us']:.1f} µs |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    result = bench_auth_overhead(args.n, args.rounds)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print("| scenario | bare httpx.Client | with HttpxAuth | added per request | auth flow alone | get_token hit |")
        print("|---|---|---|---|---|---|")
        print(markdown_row(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
