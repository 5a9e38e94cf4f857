"""The client side of one benchmark scenario, run in its own process (pinned to its own core by bench/run.py).

    python bench/_worker.py '<json config>'    # prints one JSON line with the result

Modes: ``record`` (mint once through anytoken with a recording transport: the exact HTTP request(s) the raw
clients then replay), ``sync`` (sequential mints, per-token latency), ``async`` (N mints at concurrency C, CPU
per mint and mints/s), ``rss`` (N sequential mints, then exit: the parent reads the peak RSS with wait4),
``cache`` (``Client.get_token``: cost of a hit, upstream mints under 1,000 concurrent identical requests),
``versions``. Third-party clients (telnyx, clerk-backend-api, aiohttp, httpx-aiohttp) are imported only by
the scenarios that use them, through ``importlib`` so this file type-checks without them installed.

The clients live in ``_clients.py`` (sync) and ``_clients_async.py``; ``record``, ``cache`` and ``profile`` in
``_probes.py``. This file holds the timing loops and the entry point.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the sibling modules, when imported rather than run

from _clients import Json, SyncMint, sync_impl
from _clients_async import async_impl
from _probes import run_cache, run_profile, run_record

# -- modes ------------------------------------------------------------------------------------------------


def run_sync(cfg: Json) -> Json:
    mint, close = sync_impl(cfg)
    for _ in range(cfg.get("warmup", 50)):
        mint()
    n = int(cfg["n"])
    samples = [0] * n
    gc.collect()
    clock = time.perf_counter_ns
    cpu0 = time.process_time()
    t_all = clock()
    for i in range(n):
        t0 = clock()
        mint()
        samples[i] = clock() - t0
    wall = (clock() - t_all) / 1e9
    cpu = time.process_time() - cpu0
    close()
    us = sorted(s / 1000 for s in samples)
    return {
        "median_us": statistics.median(us),
        "p10_us": us[len(us) // 10],
        "p90_us": us[(len(us) * 9) // 10],
        "mean_us": wall * 1e6 / n,
        "cpu_us": cpu * 1e6 / n,
        "n": n,
    }


def run_paired(cfg: Json) -> Json:
    """Several sync clients in one process, interleaved in blocks: ratios that load drift cannot skew."""
    impls: list[str] = cfg["impls"]
    mints: dict[str, SyncMint] = {}
    closers: list[Callable[[], None]] = []
    for impl in impls:
        mint, close = sync_impl({**cfg, "impl": impl})
        for _ in range(cfg.get("warmup", 50)):
            mint()
        mints[impl] = mint
        closers.append(close)
    block, blocks = int(cfg.get("block", 50)), int(cfg["n"]) // int(cfg.get("block", 50))
    samples: dict[str, list[int]] = {i: [] for i in impls}
    cpu: dict[str, float] = dict.fromkeys(impls, 0.0)
    clock = time.perf_counter_ns
    gc.collect()
    for b in range(blocks):
        for impl in impls[b % len(impls) :] + impls[: b % len(impls)]:
            mint, out = mints[impl], samples[impl]
            c0 = time.process_time()
            for _ in range(block):
                t0 = clock()
                mint()
                out.append(clock() - t0)
            cpu[impl] += time.process_time() - c0
    for close in closers:
        close()
    return {i: {"median_us": statistics.median(samples[i]) / 1000, "cpu_us": cpu[i] * 1e6 / len(samples[i])} for i in impls}


async def _run_async(cfg: Json) -> Json:
    mint, close = await async_impl(cfg)
    conc = int(cfg["concurrency"])
    total = int(cfg["n"])
    left = [0]

    async def worker() -> None:
        while left[0] > 0:
            left[0] -= 1
            await mint()

    # warm-up: open the connections, import lazily imported modules
    left[0] = conc
    await asyncio.gather(*(worker() for _ in range(conc)))
    gc.collect()
    left[0] = total
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(conc)))
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    await close()
    return {"cpu_us": cpu * 1e6 / total, "per_s": total / wall, "wall_s": wall, "n": total, "concurrency": conc}


def run_async(cfg: Json) -> Json:
    return asyncio.run(_run_async(cfg))


def run_rss(cfg: Json) -> Json:
    mint, close = sync_impl(cfg)
    for _ in range(int(cfg["n"])):
        mint()
    close()
    import resource

    return {"self_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def run_versions(cfg: Json) -> Json:
    from importlib import metadata

    out: dict[str, str | None] = {"python": sys.version.split()[0]}
    for dist in cfg["dists"]:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    present = sorted({(d.metadata["Name"] or "").lower() for d in metadata.distributions()})
    return {"versions": out, "installed": present}


MODES: dict[str, Callable[[Json], Json]] = {
    "sync": run_sync,
    "async": run_async,
    "rss": run_rss,
    "record": run_record,
    "cache": run_cache,
    "profile": run_profile,
    "paired": run_paired,
    "versions": run_versions,
}


def main() -> None:
    cfg = json.loads(sys.argv[1])
    try:
        result = MODES[cfg["mode"]](cfg)
    except Exception as exc:  # reported as a row error, not a crash of the whole run
        result = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown (its cost is not the client's)


if __name__ == "__main__":
    main()
