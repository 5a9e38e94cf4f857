"""Worker modes that probe rather than time a loop: ``record`` (the request the raw clients replay), ``cache``
(get_token hit cost and single flight) and ``profile`` (cProfile shares)."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from typing import Any

from _clients import Json, _anytoken_client, sync_impl
from _clients_async import async_impl


def run_record(cfg: Json) -> Json:
    """Mint once through anytoken with a recording transport; return the request(s) and the env vars."""
    import anytoken
    import httpx

    target = cfg["target"]
    recorded: list[Json] = []

    class Recorder(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.HTTPTransport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            body = request.read()
            response = self.inner.handle_request(request)
            content = response.read()
            recorded.append(
                {
                    "method": request.method,
                    "url": str(request.url),
                    "headers": [[k, v] for k, v in request.headers.multi_items()],
                    "body": base64.b64encode(body).decode(),
                    "response": {
                        "status": response.status_code,
                        "headers": [[k, v] for k, v in response.headers.multi_items()],
                        "body": base64.b64encode(content).decode(),
                    },
                }
            )
            return httpx.Response(response.status_code, headers=response.headers, content=content)

    with _anytoken_client(cfg, transport=Recorder()) as client:
        info = client.registry.provider(target["provider"])
        examples: dict[str, Json] = target["examples"]
        kind = info.kinds[0].name if info.kinds[0].name in examples else next(iter(examples))
        params = examples[kind]
        token = client.create_token(target["provider"], kind=kind, **params)
    env: dict[str, str] = {}
    if info.base_url_env:
        env[info.base_url_env] = target["base_url"]
    for field in info.credentials:
        value = target["credentials"].get(field.name)
        if value and field.env:
            env[field.env[0]] = value
    return {
        "requests": recorded,
        "env": env,
        "kind": token.kind,
        "params": params,
        "kinds": [k.name for k in info.kinds],
        "distribution": client.registry.record(target["provider"]).distribution,
        "version": anytoken.__version__,
    }


def run_cache(cfg: Json) -> Json:
    """get_token: cost of a hit; upstream mints when 1,000 threads / 1,000 tasks ask for one token at once."""
    import urllib.request

    target = cfg["target"]
    provider, kind, params = target["provider"], target["kind"], target["params"]
    client = _anytoken_client(cfg)
    if not hasattr(client, "get_token"):
        return {"pending": "Client.get_token does not exist yet"}
    stats_url = cfg["sandbox_url"] + "/_sandbox/stats"

    def upstream() -> int:
        with urllib.request.urlopen(stats_url, timeout=10) as r:
            data = json.loads(r.read())
        return int(sum(data["providers"][provider]["requests"].values()))

    def fault(seconds: float) -> None:
        body = json.dumps({"provider": provider, "operation_id": "*", "fault": {"kind": "latency", "delay": seconds}})
        req = urllib.request.Request(cfg["sandbox_url"] + "/_sandbox/faults", data=body.encode(), method="POST")
        req.add_header("content-type", "application/json")
        urllib.request.urlopen(req, timeout=10).close()

    def clear() -> None:
        req = urllib.request.Request(cfg["sandbox_url"] + "/_sandbox/faults", method="DELETE")
        urllib.request.urlopen(req, timeout=10).close()

    out: Json = {}
    # cost of a hit
    client.get_token(provider, kind=kind, **params)
    n = int(cfg["n"])
    t0 = time.perf_counter_ns()
    for _ in range(n):
        client.get_token(provider, kind=kind, **params)
    out["hit_us"] = (time.perf_counter_ns() - t0) / 1000 / n
    client.close()

    # 1,000 threads at once (a slow upstream makes them all arrive while the first mint is in flight)
    waiters = int(cfg.get("waiters", 1000))
    fault(0.3)
    try:
        fresh = _anytoken_client(cfg)
        before = upstream()
        barrier = threading.Barrier(waiters)
        errors: list[str] = []

        def ask() -> None:
            barrier.wait()
            try:
                fresh.get_token(provider, kind=kind, **params)
            except Exception as exc:
                errors.append(type(exc).__name__)

        threads = [threading.Thread(target=ask) for _ in range(waiters)]
        t1 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        out["threads_wall_s"] = time.perf_counter() - t1
        out["threads_mints"] = upstream() - before
        out["threads_errors"] = len(errors)
        fresh.close()

        async def tasks() -> None:
            aclient = _anytoken_client(cfg)
            b = upstream()
            t2 = time.perf_counter()
            results = await asyncio.gather(
                *(aclient.aget_token(provider, kind=kind, **params) for _ in range(waiters)), return_exceptions=True
            )
            out["tasks_wall_s"] = time.perf_counter() - t2
            out["tasks_mints"] = upstream() - b
            out["tasks_errors"] = sum(isinstance(r, BaseException) for r in results)
            await aclient.aclose()

        if hasattr(fresh, "aget_token"):
            asyncio.run(tasks())
        else:
            out["tasks_pending"] = "Client.aget_token does not exist yet"
    finally:
        clear()
    out["waiters"] = waiters
    return out


def run_profile(cfg: Json) -> Json:
    """cProfile of N mints (sequential, or at ``concurrency`` for async): top functions by own time, as shares."""
    import cProfile

    prof = cProfile.Profile()
    n = int(cfg["n"])
    if cfg.get("concurrency"):

        async def main() -> None:
            mint, close = await async_impl(cfg)
            conc = int(cfg["concurrency"])
            left = [conc]

            async def worker() -> None:
                while left[0] > 0:
                    left[0] -= 1
                    await mint()

            await asyncio.gather(*(worker() for _ in range(conc)))
            left[0] = n
            prof.enable()
            await asyncio.gather(*(worker() for _ in range(conc)))
            prof.disable()
            await close()

        asyncio.run(main())
    else:
        smint, sclose = sync_impl(cfg)
        for _ in range(cfg.get("warmup", 50)):
            smint()
        prof.enable()
        for _ in range(n):
            smint()
        prof.disable()
        sclose()
    return _profile_table(prof, n)


def _profile_table(prof: Any, n: int) -> Json:
    import pstats

    st: Any = pstats.Stats(prof)
    total = float(st.total_tt) or 1.0
    rows: list[Json] = []
    for (filename, line, func), (_cc, ncalls, tt, ct, _callers) in st.stats.items():
        rows.append(
            {
                "func": f"{_short_path(filename)}:{line}({func})",
                "calls_per_mint": ncalls / n,
                "own_share": tt / total,
                "cum_share": ct / total,
            }
        )
    rows.sort(key=lambda r: -r["own_share"])
    cum = sorted(rows, key=lambda r: -r["cum_share"])
    return {"top_own": rows[:15], "top_cum": cum[:25], "calls_per_mint": sum(r["calls_per_mint"] for r in rows)}


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", "/src/", "/lib/python3.11/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename
