#!/usr/bin/env python3
"""OAuth 2.0 client-credentials benchmarks: anytoken vs authlib vs raw httpx, in the same run.

::

    python3.11 bench/oauth2.py                 # the bench venv's interpreter (bench/.venv), ~2 min
    python3.11 bench/oauth2.py --quick         # seconds, current interpreter
    python3.11 bench/run.py --only oauth2      # the same, as a section of bench/run.py

Against the sandbox's emulated authorization server (``python -m anytoken sandbox``, pinned to core 0), every
row mints client-credentials tokens at the same token endpoint with client_secret_basic, in fresh client
processes pinned to core 1 (rows rotate between rounds):

- ``sync``: per-token latency, sequential on one keep-alive connection (median of per-process medians);
- ``async``: mints/s and client CPU µs per mint at concurrency 50;
- ``cold``: a whole new process, import + first token (wall time).

Rows: anytoken ``create_token("oauth2", issuer=...)`` (discovery cached after the first call) and
``acreate_token``; authlib's ``OAuth2Client.fetch_token`` / ``AsyncOAuth2Client.fetch_token`` (httpx
based); raw httpx posting the form with a precomputed Basic header (the floor). Results go to
``bench/results/oauth2.json`` and are printed as markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

BENCH = Path(__file__).resolve().parent
Json = dict[str, Any]
ROWS = ("anytoken", "authlib", "httpx")
SCOPE = "api:read"


# -- worker (runs in the client process) --------------------------------------------------------------


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()).decode()


def _sync_mint(cfg: Json) -> tuple[Callable[[], str], Callable[[], None]]:
    row, issuer, token_url, cid, secret = cfg["row"], cfg["issuer"], cfg["token_url"], cfg["client_id"], cfg["client_secret"]
    if row == "anytoken":
        import anytoken

        client = anytoken.Client(credentials={"oauth2": {"client_id": cid, "client_secret": secret}}, env={})
        return (lambda: client.create_token("oauth2", issuer=issuer, scope=SCOPE).value), client.close
    if row == "authlib":
        from authlib.integrations.httpx_client import OAuth2Client

        # authlib (1.9) Base64s "id:secret" without RFC 6749 §2.3.1's form-encoding, which the sandbox (and
        # oidc-provider) enforce for a secret with ':' '+' '/' '%': hand it the encoded values, as a user must
        session = OAuth2Client(quote_plus(cid), quote_plus(secret), scope=SCOPE, token_endpoint_auth_method="client_secret_basic")
        return (lambda: str(session.fetch_token(token_url, grant_type="client_credentials")["access_token"])), session.close
    import httpx

    raw = httpx.Client(headers={"Authorization": _basic(cid, secret)})

    def mint() -> str:
        r = raw.post(token_url, data={"grant_type": "client_credentials", "scope": SCOPE})
        r.raise_for_status()
        return str(r.json()["access_token"])

    return mint, raw.close


def run_sync(cfg: Json) -> Json:
    mint, close = _sync_mint(cfg)
    try:
        for _ in range(cfg["warmup"]):
            mint()
        samples = []
        for _ in range(cfg["n"]):
            t0 = time.perf_counter()
            mint()
            samples.append((time.perf_counter() - t0) * 1e6)
    finally:
        close()
    return {"median_us": statistics.median(samples), "p90_us": sorted(samples)[int(len(samples) * 0.9)]}


async def _run_async(cfg: Json) -> Json:
    row, issuer, token_url, cid, secret = cfg["row"], cfg["issuer"], cfg["token_url"], cfg["client_id"], cfg["client_secret"]
    closer: Any
    if row == "anytoken":
        import anytoken

        client = anytoken.Client(credentials={"oauth2": {"client_id": cid, "client_secret": secret}}, env={})

        async def mint() -> None:
            await client.acreate_token("oauth2", issuer=issuer, scope=SCOPE)

        closer = client.aclose
    elif row == "authlib":
        from authlib.integrations.httpx_client import AsyncOAuth2Client

        session = AsyncOAuth2Client(quote_plus(cid), quote_plus(secret), scope=SCOPE, token_endpoint_auth_method="client_secret_basic")

        async def mint() -> None:
            await session.fetch_token(token_url, grant_type="client_credentials")

        closer = session.aclose
    else:
        import httpx

        raw = httpx.AsyncClient(headers={"Authorization": _basic(cid, secret)}, limits=httpx.Limits(max_connections=100))

        async def mint() -> None:
            r = await raw.post(token_url, data={"grant_type": "client_credentials", "scope": SCOPE})
            r.raise_for_status()
            r.json()

        closer = raw.aclose
    concurrency, total = cfg["concurrency"], cfg["n"]

    async def batch(count: int) -> None:
        queue = iter(range(count))

        async def lane() -> None:
            for _ in queue:
                await mint()

        await asyncio.gather(*(lane() for _ in range(concurrency)))

    await batch(concurrency * 2)  # warm the pool and the discovery cache
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await batch(total)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    await closer()
    return {"per_s": total / wall, "cpu_us": cpu / total * 1e6}


COLD = {
    "anytoken": (
        "import anytoken; anytoken.create_token('oauth2', issuer={issuer!r}, scope='api:read', "
        "credentials={{'client_id': {client_id!r}, 'client_secret': {client_secret!r}}})"
    ),
    "authlib": (
        "from authlib.integrations.httpx_client import OAuth2Client; from urllib.parse import quote_plus as q; "
        "OAuth2Client(q({client_id!r}), q({client_secret!r}), scope='api:read').fetch_token({token_url!r}, grant_type='client_credentials')"
    ),
    "httpx": (
        "import httpx, base64; from urllib.parse import quote_plus as q; "
        "h = 'Basic ' + base64.b64encode((q({client_id!r}) + ':' + q({client_secret!r})).encode()).decode(); "
        "httpx.post({token_url!r}, data={{'grant_type': 'client_credentials', 'scope': 'api:read'}}, headers={{'Authorization': h}}).raise_for_status()"
    ),
}


def worker_main(cfg: Json) -> None:
    out = run_sync(cfg) if cfg["mode"] == "sync" else asyncio.run(_run_async(cfg))
    print(json.dumps(out))


# -- orchestrator ---------------------------------------------------------------------------------------


def _pinned(core: int) -> Callable[[], None] | None:
    if (os.cpu_count() or 1) < 2 or not hasattr(os, "sched_setaffinity"):
        return None
    return lambda: os.sched_setaffinity(0, {core})


def _worker(python: Path, env: dict[str, str], cfg: Json) -> Json:
    proc = subprocess.run(
        [str(python), str(Path(__file__)), "--worker", json.dumps(cfg)],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=_pinned(1),
        timeout=600,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"[bench/oauth2] {cfg['row']} {cfg['mode']} failed: {proc.stderr.strip()[-400:]}")
    result: Json = json.loads(lines[-1])
    return result


def _cold(python: Path, env: dict[str, str], code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([str(python), "-c", code], check=True, env=env, preexec_fn=_pinned(1), capture_output=True, timeout=120)
    return (time.perf_counter() - t0) * 1000


def ensure_authlib(python: Path) -> None:
    if subprocess.run([str(python), "-c", "import authlib"], capture_output=True).returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "authlib>=1.3"], check=True)


def run(python: Path, env: dict[str, str], info: Json, *, quick: bool = False) -> Json:
    """All three sections against a running sandbox (``info``: its ``GET /_sandbox`` plus ``url``)."""
    ensure_authlib(python)
    provider = info["providers"]["oauth2"]
    issuer = provider["base_url"]
    creds = provider["credentials"]
    base = {"issuer": issuer, "token_url": issuer + "/token", "client_id": creds["client_id"], "client_secret": creds["client_secret"]}
    rounds, n, n_async, cold_runs = (1, 50, 200, 2) if quick else (3, 500, 1500, 11)
    sync: dict[str, list[Json]] = {r: [] for r in ROWS}
    aio: dict[str, list[Json]] = {r: [] for r in ROWS}
    cold: dict[str, list[float]] = {r: [] for r in ROWS}
    for i in range(rounds):
        order = ROWS[i % 3 :] + ROWS[: i % 3]
        for row in order:
            sync[row].append(_worker(python, env, {**base, "row": row, "mode": "sync", "n": n, "warmup": 20}))
        for row in order:
            aio[row].append(_worker(python, env, {**base, "row": row, "mode": "async", "n": n_async, "concurrency": 50}))
    for i in range(cold_runs):
        for row in ROWS[i % 3 :] + ROWS[: i % 3]:
            cold[row].append(_cold(python, env, COLD[row].format(**base)))
    med = statistics.median
    return {
        "sync_us": {r: med(x["median_us"] for x in sync[r]) for r in ROWS},
        "async_per_s": {r: med(x["per_s"] for x in aio[r]) for r in ROWS},
        "async_cpu_us": {r: med(x["cpu_us"] for x in aio[r]) for r in ROWS},
        "cold_ms": {r: med(cold[r]) for r in ROWS},
        "cold_ms_min": {r: min(cold[r]) for r in ROWS},
        "settings": {"rounds": rounds, "sync_n": n, "async_n": n_async, "concurrency": 50, "cold_runs": cold_runs},
    }


def markdown(res: Json) -> str:
    rows = [
        "| row | sync µs/token (median) | async c=50 mints/s | async CPU µs/mint | cold start ms (median) |",
        "|---|---:|---:|---:|---:|",
    ]
    names = {"anytoken": "anytoken `oauth2`", "authlib": "authlib `OAuth2Client.fetch_token`", "httpx": "raw httpx (floor)"}
    for r in ROWS:
        rows.append(
            f"| {names[r]} | {res['sync_us'][r]:.0f} | {res['async_per_s'][r]:.0f} | {res['async_cpu_us'][r]:.0f} | {res['cold_ms'][r]:.0f} |"
        )
    ratio = res["cold_ms"]["anytoken"] / res["cold_ms"]["httpx"]
    rows.append("")
    rows.append(
        f"anytoken / authlib per sync token: {res['sync_us']['anytoken'] / res['sync_us']['authlib']:.2f}×; "
        f"cold start anytoken / raw httpx: {ratio:.2f}× (goal ≤ 1.3×)."
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="tiny counts, current interpreter")
    parser.add_argument("--python", type=Path, help="interpreter for the sandbox and the clients (default: bench/.venv)")
    args = parser.parse_args(argv)
    if args.worker:
        worker_main(json.loads(args.worker))
        return 0
    sys.path.insert(0, str(BENCH))
    import run as bench_run  # bench/run.py: the sandbox process, the bench venv

    python = args.python or (Path(sys.executable) if args.quick else bench_run.ensure_bench_venv(bench_run.BENCH_VENV))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANYTOKEN_", "OAUTH2_", "PYTHON"))}
    with bench_run.sandbox(python, env) as info:
        res = run(python, env, info, quick=args.quick)
    res["python"] = str(python)
    out = BENCH / "results" / ("oauth2-quick.json" if args.quick else "oauth2.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1))
    print(markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
