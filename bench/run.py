#!/usr/bin/env python3
"""Run every anytoken benchmark against the sandbox in one go and write ``docs/benchmarks.md``.

    python bench/run.py                       # everything (~10 min), in the bench venv bench/.venv
    python bench/run.py --only sync async     # some sections; the others keep their last results
    python bench/run.py --quick               # seconds: tiny counts, current interpreter (the smoke test)

The sandbox runs as its own process (``python -m anytoken sandbox``) pinned to core 0; every client
scenario runs in a fresh process (``bench/_worker.py``) pinned to core 1, one after the other, so the
server and the client never share a core and no scenario inherits another's heap. Raw clients (httpx,
http.client, aiohttp, a hand-rolled asyncio client) replay byte-for-byte the request anytoken sent for the
same provider (recorded once through a transport wrapper), so every row hits the same sandbox route.

The bench venv (``bench/.venv``) holds only runtime packages: anytoken, its generated clients and plugins
(normal, non-editable installs), httpx, aiohttp, httpx-aiohttp and the official telnyx and
clerk-backend-api SDKs: no openapi-python-client, click, rich or pygments (httpx imports them when
present). Regeneration runs in the development venv (``.venv``), where the generator lives.

Standard library only: this file runs under any Python >= 3.11.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling modules, when imported rather than run

from _common import BENCH, BENCH_VENV, DEV_VENV, ROOT, SECTIONS, SERVER_CORE, Json, Runner, Settings, log, sandbox
from _latency import bench_async, bench_profile, bench_sync
from _process import bench_auth, bench_cache, bench_cold, bench_regen, bench_rss, bench_startup
from _setup import build_targets, ensure_bench_venv, machine

# -- main ---------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny counts (seconds); uses the current interpreter unless --python")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, metavar="SECTION", help=f"sections to run: {', '.join(SECTIONS)}")
    parser.add_argument("--python", type=Path, help="interpreter for the sandbox and the clients (default: the bench venv)")
    parser.add_argument("--dev-python", type=Path, default=DEV_VENV / "bin" / "python", help="interpreter with the generator (regen)")
    parser.add_argument("--out", type=Path, help="markdown report (default: docs/benchmarks.md; bench/results/quick.md with --quick)")
    parser.add_argument("--results", type=Path, help="JSON results, merged across --only runs (default: bench/results/<mode>.json)")
    parser.add_argument("--render", action="store_true", help="only re-render the report from the saved JSON results")
    parser.add_argument("--rounds", type=int, help="processes per sync and async row (default 5 sync, 3 async)")
    args = parser.parse_args(argv)

    settings = Settings(args.quick)
    if args.rounds:
        settings.sync_rounds = settings.async_rounds = args.rounds
    mode = "quick" if args.quick else "full"
    out_md: Path = args.out or (BENCH / "results" / "quick.md" if args.quick else ROOT / "docs" / "benchmarks.md")
    results_path: Path = args.results or BENCH / "results" / f"{mode}.json"
    sections = list(args.only or SECTIONS)

    if args.render:
        return render_report(results_path, out_md)
    if args.python is not None:
        python = args.python
    elif args.quick:
        python = Path(sys.executable)
    else:
        python = ensure_bench_venv(BENCH_VENV)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANYTOKEN_", "PYTHON"))}
    for k in list(env):
        if k.endswith(("_API_KEY", "_SECRET_KEY", "_BASE_URL", "_TOKEN")):
            del env[k]
    env["ANYTOKEN_ALLOW_INSECURE_HTTP"] = "0"
    runner = Runner(python, settings, env)

    previous: Json = json.loads(results_path.read_text()) if results_path.exists() else {}
    results: Json = dict(previous)
    started = time.time()
    log(f"{mode} run of {', '.join(sections)} with {python}")
    if (os.cpu_count() or 1) >= 2 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {SERVER_CORE})  # the orchestrator idles beside the server, off the client core
    with sandbox(python, env) as info:
        targets = build_targets(runner, info)
        names = ", ".join(f"{n} ({t['path']})" for n, t in targets.items()) or "none"
        log(f"providers: {names}")
        results["machine"] = machine(runner)
        results["targets"] = {n: {k: t.get(k) for k in ("kind", "path", "distribution")} for n, t in targets.items()}
        results.pop("fast_transport", None)
        if "sync" in sections:
            results["sync"] = bench_sync(runner, targets)
            results["profile"] = bench_profile(runner, targets)
        if "async" in sections:
            results["async"] = bench_async(runner, targets)
        if "cold" in sections:
            results["cold"] = bench_cold(runner, targets)
        if "cache" in sections:
            results["cache"] = bench_cache(runner, targets, info["url"])
        if "rss" in sections:
            results["rss"] = bench_rss(runner, targets)
        if "oauth2" in sections:  # anytoken vs authlib vs raw httpx, self-contained in bench/oauth2.py
            import oauth2 as bench_oauth2

            results["oauth2"] = bench_oauth2.run(runner.python, runner.env, info, quick=settings.quick)
            log("oauth2:\n" + bench_oauth2.markdown(results["oauth2"]))
    if "startup" in sections:
        results["startup"] = bench_startup(runner)
    if "regen" in sections:
        results["regen"] = bench_regen(runner, args.dev_python)
    if "auth" in sections:
        results["auth"] = bench_auth(runner)
    results["updated"] = {**(previous.get("updated") or {}), **dict.fromkeys(sections, time.strftime("%Y-%m-%d %H:%M:%S"))}
    results["mode"] = mode
    log(f"done in {time.time() - started:.0f} s")

    results["command"] = " ".join(["python bench/run.py", *(argv if argv is not None else sys.argv[1:])])
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=1, default=str))
    return render_report(results_path, out_md)


def render_report(results_path: Path, out_md: Path) -> int:
    if not results_path.exists():
        log(f"no results at {results_path}: run the benchmarks first")
        return 1
    results: Json = json.loads(results_path.read_text())
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from report import render  # bench/report.py

    out_md.parent.mkdir(parents=True, exist_ok=True)
    out_md.write_text(render(results, command=str(results.get("command", "python bench/run.py"))))
    log(f"wrote {out_md} from {results_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
