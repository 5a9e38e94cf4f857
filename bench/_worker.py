"""The client side of one benchmark scenario, run in its own process (pinned to its own core by bench/run.py).

    python bench/_worker.py '<json config>'    # prints one JSON line with the result

Modes: ``record`` (mint once through anytoken with a recording transport: the exact HTTP request(s) the raw
clients then replay), ``sync`` (sequential mints, per-token latency), ``async`` (N mints at concurrency C, CPU
per mint and mints/s), ``rss`` (N sequential mints, then exit: the parent reads the peak RSS with wait4),
``cache`` (``Client.get_token``: cost of a hit, upstream mints under 1,000 concurrent identical requests),
``versions``. Third-party clients (telnyx, clerk-backend-api, aiohttp, httpx-aiohttp) are imported only by
the scenarios that use them, through ``importlib`` so this file type-checks without them installed.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import importlib
import json
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

Json = dict[str, Any]
SyncMint = Callable[[], object]
AsyncMint = Callable[[], Awaitable[object]]


def _mod(name: str) -> Any:
    return importlib.import_module(name)


# -- the recorded request -----------------------------------------------------------------------------


class Replay:
    """One recorded HTTP request, replayed by the raw clients (fresh Idempotency-Key each time)."""

    def __init__(self, data: Json) -> None:
        self.method: str = data["method"]
        self.url: str = data["url"]
        parts = urlsplit(self.url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.body: bytes = base64.b64decode(data["body"])
        self.idem = [k for k, _ in data["headers"] if k.lower() == "idempotency-key"]
        skip = {"host", "content-length", "idempotency-key", "accept-encoding", "connection", "user-agent"}
        self.headers: dict[str, str] = {k: v for k, v in data["headers"] if k.lower() not in skip}
        self.headers["user-agent"] = "bench"

    def fresh_headers(self) -> dict[str, str]:
        if not self.idem:
            return self.headers
        return {**self.headers, self.idem[0]: str(uuid.uuid4())}


def _check_status(status: int, body: bytes) -> None:
    if not 200 <= status < 300:
        raise RuntimeError(f"HTTP {status}: {body[:200]!r}")


# -- anytoken -------------------------------------------------------------------------------------------


def _anytoken_client(cfg: Json, **kw: Any) -> Any:
    import anytoken

    target = cfg["target"]
    return anytoken.Client(
        base_urls={target["provider"]: target["base_url"]},
        credentials={target["provider"]: target["credentials"]},
        **kw,
    )


# anytoken rows: impl -> the environment of its Client (the request path it runs on)
ANYTOKEN_ENVS: dict[str, dict[str, str]] = {
    "anytoken": {},  # the default: the wire clients (no httpx objects per call)
    "anytoken-httpx": {"ANYTOKEN_HTTP": "httpx"},  # httpx's client; async over the core's aiohttp transport
    "anytoken-httpx-backend": {"ANYTOKEN_HTTP": "httpx", "ANYTOKEN_ASYNC_TRANSPORT": "httpx"},  # httpx + httpcore
}


def _aiohttp_transport() -> Any:
    return _mod("httpx_aiohttp").AiohttpTransport(trust_env=False)


def _sync_anytoken(cfg: Json) -> tuple[SyncMint, Callable[[], None]]:
    target = cfg["target"]
    client = _anytoken_client(cfg, env=ANYTOKEN_ENVS[cfg["impl"]])
    provider, kind, params = target["provider"], target["kind"], target["params"]

    def mint() -> object:
        return client.create_token(provider, kind=kind, **params)

    return mint, client.close


def _canned(cfg: Json, client: Any, is_async: bool) -> None:
    """Replace the client's request path by one answering the recorded response at once: what is left is
    anytoken's own per-call work (prepare, plugin plan, the generated code, finish, Token, retry loop, audit)."""
    from anytoken._wire import WireHeaders, WireResponse
    from anytoken.provider import last_response

    rec = cfg["target"]["requests"][-1]["response"]
    response = WireResponse(rec["status"], WireHeaders.of(rec["headers"]), base64.b64decode(rec["body"]))

    class Canned:
        def request(self, method: str, url: str, **kwargs: Any) -> Any:
            last_response.set(response)
            return response

    class ACanned:
        async def request(self, method: str, url: str, **kwargs: Any) -> Any:
            last_response.set(response)
            return response

    canned: Any = ACanned() if is_async else Canned()
    name = "generated_async_client" if is_async else "generated_sync_client"
    setattr(client.pools, name, lambda base_url, headers: canned)


def _sync_noio(cfg: Json) -> tuple[SyncMint, Callable[[], None]]:
    target = cfg["target"]
    client = _anytoken_client(cfg)
    _canned(cfg, client, False)
    provider, kind, params = target["provider"], target["kind"], target["params"]

    def mint() -> object:
        return client.create_token(provider, kind=kind, **params)

    return mint, client.close


#: extra sync rows: impl -> factory of (mint, close). Add a row here and list it in bench/run.py's EXTRA_SYNC_ROWS.
SYNC_IMPLS: dict[str, Callable[[Json], tuple[SyncMint, Callable[[], None]]]] = {
    "anytoken": _sync_anytoken,
    "anytoken-httpx": _sync_anytoken,
    "anytoken-noio": _sync_noio,
}


# -- sync implementations --------------------------------------------------------------------------


def sync_impl(cfg: Json) -> tuple[SyncMint, Callable[[], None]]:
    impl: str = cfg["impl"]
    target = cfg["target"]
    if impl in SYNC_IMPLS:
        return SYNC_IMPLS[impl](cfg)
    if impl == "httpx":
        import httpx

        rq = Replay(target["requests"][-1])
        client = httpx.Client()

        def mint_httpx() -> object:
            r = client.request(rq.method, rq.url, headers=rq.fresh_headers(), content=rq.body)
            _check_status(r.status_code, r.content)
            return r.text

        return mint_httpx, client.close
    if impl == "http.client":
        import http.client

        rq = Replay(target["requests"][-1])
        conn = http.client.HTTPConnection(rq.host, rq.port, timeout=10)

        def mint_stdlib() -> object:
            conn.request(rq.method, rq.target, body=rq.body, headers=rq.fresh_headers())
            r = conn.getresponse()
            body = r.read()
            _check_status(r.status, body)
            return body.decode()

        return mint_stdlib, conn.close
    if impl == "telnyx-sdk":
        telnyx = _mod("telnyx")
        sdk = telnyx.Telnyx(api_key=target["sdk"]["api_key"], base_url=target["base_url"], max_retries=0)
        cred_id = target["sdk"]["credential_id"]

        def mint_telnyx() -> object:
            return sdk.telephony_credentials.create_token(cred_id)

        return mint_telnyx, sdk.close
    if impl == "clerk-sdk":
        sdk, call = _clerk(cfg)

        def mint_clerk() -> object:
            return call(sdk, False)

        return mint_clerk, lambda: None
    raise SystemExit(f"unknown sync impl {impl!r}")


def _clerk(cfg: Json) -> tuple[Any, Callable[[Any, bool], Any]]:
    target = cfg["target"]
    sdk_cfg = target["sdk"]
    clerk = _mod("clerk_backend_api")
    sdk = clerk.Clerk(bearer_auth=sdk_cfg["secret_key"], server_url=target["base_url"])
    op = sdk_cfg["op"]
    args: Json = dict(sdk_cfg.get("args") or {})

    def call(client: Any, is_async: bool) -> Any:
        group, method = op.split(".")
        fn = getattr(getattr(client, group), method + ("_async" if is_async else ""))
        return fn(**args)

    return sdk, call


# -- async implementations ----------------------------------------------------------------------------


class RawAsyncPool:
    """A hand-rolled asyncio HTTP/1.1 keep-alive client (Content-Length bodies only): the async floor."""

    def __init__(self, rq: Replay) -> None:
        self.rq = rq
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def request(self) -> bytes:
        rq = self.rq
        conn = self.idle.pop() if self.idle else await asyncio.open_connection(rq.host, rq.port)
        reader, writer = conn
        head = f"{rq.method} {rq.target} HTTP/1.1\r\nHost: {rq.host}:{rq.port}\r\nContent-Length: {len(rq.body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in rq.fresh_headers().items())
        writer.write(head.encode("latin-1") + b"\r\n" + rq.body)
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await reader.readexactly(length) if length else b""
        self.idle.append(conn)
        _check_status(status, body)
        return body

    async def close(self) -> None:
        for _, w in self.idle:
            w.close()


async def async_impl(cfg: Json) -> tuple[AsyncMint, Callable[[], Awaitable[None]]]:
    impl: str = cfg["impl"]
    target = cfg["target"]
    if impl in ANYTOKEN_ENVS or impl == "anytoken-noio":
        client = _anytoken_client(cfg, env=ANYTOKEN_ENVS.get(impl, {}))
        if impl == "anytoken-noio":
            _canned(cfg, client, True)
        provider, kind, params = target["provider"], target["kind"], target["params"]

        async def mint() -> object:
            return await client.acreate_token(provider, kind=kind, **params)

        async def close() -> None:
            await client.aclose()

        return mint, close
    rq = Replay(target["requests"][-1]) if target.get("requests") else None
    if impl in ("httpx", "httpx+aiohttp", "httpx-limits100"):
        import httpx

        assert rq is not None
        transport = _aiohttp_transport() if impl == "httpx+aiohttp" else None
        if impl == "httpx-limits100":  # the limits anytoken's HttpPools uses: 100 connections, all kept alive
            transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=100, max_keepalive_connections=100))
        ac = httpx.AsyncClient(transport=transport)

        async def mint_httpx() -> object:
            r = await ac.request(rq.method, rq.url, headers=rq.fresh_headers(), content=rq.body)
            _check_status(r.status_code, r.content)
            return r.text

        return mint_httpx, ac.aclose
    if impl == "aiohttp":
        aiohttp = _mod("aiohttp")
        assert rq is not None
        session = aiohttp.ClientSession()

        async def mint_aiohttp() -> object:
            async with session.request(rq.method, rq.url, headers=rq.fresh_headers(), data=rq.body) as r:
                body = await r.read()
                _check_status(r.status, body)
                return body.decode()

        return mint_aiohttp, session.close
    if impl == "raw-asyncio":
        assert rq is not None
        pool = RawAsyncPool(rq)
        return pool.request, pool.close
    if impl == "telnyx-sdk":
        telnyx = _mod("telnyx")
        sdk = telnyx.AsyncTelnyx(api_key=target["sdk"]["api_key"], base_url=target["base_url"], max_retries=0)
        cred_id = target["sdk"]["credential_id"]

        async def mint_telnyx() -> object:
            return await sdk.telephony_credentials.create_token(cred_id)

        return mint_telnyx, sdk.close
    if impl == "clerk-sdk":
        sdk, call = _clerk(cfg)

        async def mint_clerk() -> object:
            return await call(sdk, True)

        async def noop() -> None:
            return None

        return mint_clerk, noop
    raise SystemExit(f"unknown async impl {impl!r}")


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
