#!/usr/bin/env python3
"""Bounded soak: many async mints at high concurrency against the sandbox, with a mix of injected faults.

    python scripts/soak.py                      # 10,000 mints at concurrency 200, writes docs/soak.md
    python scripts/soak.py --mints 500 --concurrency 50 --no-write

Reports: outcomes by type (a Token or a typed anytoken error; anything else counts as untyped and fails the
run), wall time, mints/s, open file descriptors before/after (leaked connections), and RSS growth sampled
during the run. Exit 1 on an untyped error or a leak. All traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def rss_kib() -> int:
    try:
        for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def open_fds() -> int:
    path = f"/proc/{os.getpid()}/fd"
    return len(os.listdir(path)) if os.path.isdir(path) else -1


FAULT_MIX = (
    ("status_503", 0.04),
    ("status_429", 0.03),
    ("status_500", 0.03),
    ("reset", 0.02),
    ("truncated", 0.02),
    ("malformed_json", 0.02),
    ("latency", 0.02),
)


def _fault(name: str) -> Any:
    from anytoken.devkit.sandbox import Fault

    return {
        "status_503": Fault.http_status(503, retry_after_ms=5),
        "status_429": Fault.http_status(429, retry_after=0.01),
        "status_500": Fault.http_status(500),
        "reset": Fault("reset"),
        "truncated": Fault("truncated"),
        "malformed_json": Fault("malformed_json"),
        "latency": Fault.latency(0.05),
    }[name]


async def soak(mints: int, concurrency: int, seed: int, http: str = "wire") -> dict[str, Any]:
    """``http``: the request path, ``wire`` (the default) or ``httpx`` (``ANYTOKEN_HTTP``)."""
    import anytoken
    from anytoken.devkit.sandbox import Sandbox

    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    untyped: list[str] = []
    policy = anytoken.RetryPolicy(max_attempts=3, backoff=0.005, max_backoff=0.02, deadline=5.0)
    with Sandbox() as sandbox:
        cases = [(p, k, params) for p in sandbox.providers for k, params in sandbox.examples(p).items()]
        # faults armed for a bounded number of requests each, spread over the run
        for name, share in FAULT_MIX:
            for provider in sandbox.providers:
                sandbox.inject(provider, "*", _fault(name), times=max(1, int(mints * share / len(sandbox.providers))))
        gc.collect()
        fds_before, rss_before = open_fds(), rss_kib()
        rss_peak = rss_before
        client = sandbox.client(env={"ANYTOKEN_HTTP": http}, timeout=2.0, retry=policy)
        queue: asyncio.Queue[tuple[str, str, dict[str, Any]]] = asyncio.Queue()
        for _ in range(mints):
            queue.put_nowait(rng.choice(cases))

        rss_mid = 0

        async def worker() -> None:
            nonlocal rss_peak, rss_mid
            while not queue.empty():
                provider, kind, params = queue.get_nowait()
                try:
                    await client.acreate_token(provider, kind=kind, **params)
                    outcomes["Token"] += 1
                except anytoken.AnytokenError as exc:
                    outcomes[type(exc).__name__] += 1
                except Exception as exc:  # the library's contract is broken
                    untyped.append(f"{type(exc).__name__}: {exc}")
                done = outcomes.total() + len(untyped)
                if done % 500 == 0:
                    rss_peak = max(rss_peak, rss_kib())
                if done == mints // 2:
                    gc.collect()
                    rss_mid = rss_kib()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        await client.aclose()
        client.close()
        sandbox.clear_faults()
        gc.collect()
        await asyncio.sleep(0.2)
        fds_after, rss_after = open_fds(), rss_kib()
        created = {p: sandbox.created(p) for p in sandbox.providers}
    return {
        "http": http,
        "mints": mints,
        "concurrency": concurrency,
        "elapsed_s": elapsed,
        "per_s": mints / elapsed,
        "outcomes": dict(outcomes.most_common()),
        "untyped": untyped[:20],
        "untyped_count": len(untyped),
        "fds_before": fds_before,
        "fds_after": fds_after,
        "rss_before_kib": rss_before,
        "rss_peak_kib": max(rss_peak, rss_after),
        "rss_after_kib": rss_after,
        "rss_mid_kib": rss_mid,
        "created": created,
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        "# Soak test",
        "",
        f"`python scripts/soak.py --mints {result['mints']} --concurrency {result['concurrency']} --http {result['http']}` — async mints against the",
        "in-process sandbox (every installed provider and kind, chosen at random) with a mix of injected faults",
        "(503/429 with Retry-After, 500, connection resets, truncated and malformed answers, latency).",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| mints | {result['mints']} at concurrency {result['concurrency']} |",
        f"| wall time | {result['elapsed_s']:.1f} s ({result['per_s']:.0f} mints/s, client and sandbox sharing one process) |",
        f"| untyped errors | {result['untyped_count']} |",
        f"| open file descriptors before / after | {result['fds_before']} / {result['fds_after']} |",
        f"| RSS before / peak / after | {result['rss_before_kib'] / 1024:.1f} / {result['rss_peak_kib'] / 1024:.1f} / {result['rss_after_kib'] / 1024:.1f} MiB |",
        f"| RSS growth, whole run | {(result['rss_after_kib'] - result['rss_before_kib']) / 1024:+.1f} MiB |",
        f"| RSS growth, second half only | {(result['rss_after_kib'] - result['rss_mid_kib']) / 1024:+.1f} MiB |",
        "",
        "Most of the first half's growth is one-time: aiohttp and the generated clients imported, connection",
        "buffers for the concurrency, and the sandbox's own store of every token it created (it runs in this",
        "process). The second half's growth is the figure that would show a leak.",
        "",
        "Outcomes:",
        "",
        "| outcome | count |",
        "|---|---|",
        *(f"| {name} | {count} |" for name, count in result["outcomes"].items()),
        "",
        "Errors are the typed errors the faults call for: retried faults (503, 429, resets on idempotent kinds) end",
        "in tokens; faults on kinds that create persistent resources end in `AmbiguousMintError` instead of a blind",
        "retry; malformed answers in `MalformedResponseError`.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mints", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--http", choices=("wire", "httpx"), default="wire", help="the request path (ANYTOKEN_HTTP)")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/soak.md")
    args = parser.parse_args(argv)
    result = asyncio.run(soak(args.mints, args.concurrency, args.seed, args.http))
    text = report(result)
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "soak.md").write_text(text)
    leaked = result["fds_after"] - result["fds_before"]
    if result["untyped_count"] or leaked > 2:
        print(f"FAILED: {result['untyped_count']} untyped errors, {leaked} leaked descriptors", file=sys.stderr)
        for line in result["untyped"]:
            print("  " + line, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
