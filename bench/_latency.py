"""Sections 1 and 2: per-token latency (sync, sequential and paired) and async throughput; the cProfile."""

from __future__ import annotations

from collections.abc import Sequence

from _common import Json, Runner, log, summarize

# -- 1. sync per-token latency -----------------------------------------------------------------------------


# Rows are (impl, provider) pairs; an impl is a scenario of bench/_worker.py (its SYNC_IMPLS / async_impl).
#: per provider, sync: the default (wire) path, the httpx path, anytoken's own work without I/O, the raw floors
SYNC_IMPLS = ["anytoken", "anytoken-httpx", "anytoken-noio", "httpx", "http.client"]
#: the same clients, interleaved in one process per provider (the sync targets use these ratios)
PAIRED_IMPLS = ["anytoken", "anytoken-httpx", "httpx", "http.client"]
#: async, per provider in ASYNC_PROVIDERS
ASYNC_IMPLS = ["anytoken", "anytoken-httpx", "anytoken-httpx-backend", "anytoken-noio"]
ASYNC_PROVIDERS = ("telnyx", "clerk")
#: async raw clients, once (main provider)
ASYNC_RAW = ["httpx", "aiohttp", "raw-asyncio"]
#: hooks for rows other engineers add: (section, impl, provider or None for the main one). An impl named
#: here must exist in bench/_worker.py; its label goes in bench/report.py's LABELS.
EXTRA_ROWS: list[tuple[str, str, str | None]] = []


def _main_provider(targets: dict[str, Json]) -> str:
    return "telnyx" if "telnyx" in targets else next(iter(targets), "")


def _extra(section: str, targets: dict[str, Json]) -> list[tuple[str, str]]:
    return [
        (impl, p or _main_provider(targets)) for sec, impl, p in EXTRA_ROWS if sec == section and (p or _main_provider(targets)) in targets
    ]


def sync_jobs(targets: dict[str, Json]) -> list[tuple[str, str]]:
    """One process per row for the main provider (every provider is compared in the paired runs)."""
    main = _main_provider(targets)
    if not main:
        return []
    jobs = [(impl, main) for impl in SYNC_IMPLS]
    if "sdk" in targets[main]:
        jobs.append((f"{main}-sdk", main))
    return jobs + _extra("sync", targets)


def bench_sync(runner: Runner, targets: dict[str, Json]) -> Json:
    s = runner.s
    jobs = sync_jobs(targets)
    raw: dict[str, list[Json]] = {f"{impl}|{t}": [] for impl, t in jobs}
    for rnd in range(s.sync_rounds):
        order = jobs[rnd % len(jobs) :] + jobs[: rnd % len(jobs)] if jobs else []
        for impl, t in order:
            res = runner.worker({"mode": "sync", "impl": impl, "target": targets[t], "n": s.sync_n, "warmup": s.sync_warmup})
            raw[f"{impl}|{t}"].append(res)
        log(f"sync round {rnd + 1}/{s.sync_rounds} done")
    paired: Json = {}
    for name, target in targets.items():
        impls = PAIRED_IMPLS + ([f"{name}-sdk"] if "sdk" in target else [])
        runs = [
            runner.worker(
                {
                    "mode": "paired",
                    "impls": impls,
                    "target": target,
                    "n": s.sync_n,
                    "warmup": s.sync_warmup,
                    "block": max(1, min(50, s.sync_n // 10)),
                }
            )
            for _ in range(s.paired_runs)
        ]
        ok = [r for r in runs if "error" not in r]
        if not ok:
            paired[name] = {"error": runs[0].get("error")}
            continue
        paired[name] = {
            impl: {k: summarize([float(r[impl][k]) for r in ok]) for k in ("median_us", "cpu_us")} for impl in impls if impl in ok[0]
        }
    log("sync paired runs done")
    return {
        "rows": _collect(raw, ("median_us", "cpu_us", "p90_us")),
        "paired": paired,
        "n": s.sync_n,
        "rounds": s.sync_rounds,
        "paired_runs": s.paired_runs,
    }


def _collect(raw: dict[str, list[Json]], keys: Sequence[str]) -> dict[str, Json]:
    rows: dict[str, Json] = {}
    for job, results in raw.items():
        ok = [r for r in results if "error" not in r]
        if not ok:
            rows[job] = {"error": results[0].get("error", "no result") if results else "not run"}
            continue
        rows[job] = {k: summarize([float(r[k]) for r in ok]) for k in keys}
    return rows


# -- 2. async throughput -----------------------------------------------------------------------------------


def async_jobs(targets: dict[str, Json]) -> list[tuple[str, str]]:
    main = _main_provider(targets)
    jobs: list[tuple[str, str]] = []
    names: list[str] = [n for n in ASYNC_PROVIDERS if n in targets] or [main]
    for name in names:
        jobs += [(impl, name) for impl in ASYNC_IMPLS]
        if "sdk" in targets[name]:
            jobs.append((f"{name}-sdk", name))
    jobs += [(impl, main) for impl in ASYNC_RAW]
    return jobs + _extra("async", targets)


def bench_async(runner: Runner, targets: dict[str, Json]) -> Json:
    s = runner.s
    jobs = async_jobs(targets) if targets else []
    out: Json = {"n": s.async_n, "rounds": s.async_rounds}
    for conc in s.concurrency:
        raw: dict[str, list[Json]] = {f"{impl}|{t}": [] for impl, t in jobs}
        for rnd in range(s.async_rounds):
            for impl, t in jobs[rnd % len(jobs) :] + jobs[: rnd % len(jobs)]:
                res = runner.worker({"mode": "async", "impl": impl, "target": targets[t], "n": s.async_n, "concurrency": conc})
                raw[f"{impl}|{t}"].append(res)
        out[str(conc)] = _collect(raw, ("cpu_us", "per_s"))
        log(f"async concurrency {conc} done")
    return out


# -- profile (for the recommendations) ----------------------------------------------------------------------


def bench_profile(runner: Runner, targets: dict[str, Json]) -> Json:
    main = "telnyx" if "telnyx" in targets else next(iter(targets), None)
    if main is None:
        return {}
    out: Json = {"provider": main}
    for impl in ("anytoken", "anytoken-noio", "httpx"):
        out[impl] = runner.worker({"mode": "profile", "impl": impl, "target": targets[main], "n": runner.s.profile_n, "warmup": 50})
    return out
