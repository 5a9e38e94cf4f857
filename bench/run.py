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
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORKER = BENCH / "_worker.py"
BENCH_VENV = BENCH / ".venv"
DEV_VENV = ROOT / ".venv"
SECTIONS = ("sync", "async", "cold", "startup", "regen", "cache", "rss", "auth", "oauth2")
RUNTIME_REQUIREMENTS = [
    "httpx>=0.27,<0.29",
    "attrs>=23.1",
    "pluggy>=1.5",
    "aiohttp>=3.10",
    "httpx-aiohttp>=0.1.8",
    # the core's own runtime dependencies for `anytoken token` (imported by that command only)
    "cryptography>=42",
    "filelock>=3.13",
    "keyring>=24",
    "platformdirs>=4",
]
SDKS = ["telnyx", "clerk-backend-api", "authlib"]  # authlib: the oauth2 comparison (bench/oauth2.py)
SERVER_CORE, CLIENT_CORE = 0, 1
VERSION_DISTS = [
    "anytoken",
    "anytoken-telnyx",
    "anytoken-clerk",
    "httpx",
    "httpcore",
    "h11",
    "aiohttp",
    "httpx-aiohttp",
    "pluggy",
    "attrs",
    "telnyx",
    "clerk-backend-api",
    "pydantic",
]
HEAVY_OPTIONAL = ["click", "rich", "pygments", "openapi-python-client"]

Json = dict[str, Any]


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- configuration --------------------------------------------------------------------------------


class Settings:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.sync_n, self.sync_warmup, self.sync_rounds = (30, 5, 1) if quick else (1000, 200, 5)
        self.async_n, self.async_rounds = (40, 1) if quick else (1000, 3)
        self.concurrency = (5, 20) if quick else (50, 200)
        self.cold_runs = 1 if quick else 15
        self.rss_n = 50 if quick else 2000
        self.cache_hits, self.cache_waiters = (500, 20) if quick else (200_000, 1000)
        self.regen_noop_runs = 1 if quick else 3
        self.profile_n = 50 if quick else 2000
        self.paired_runs = 1 if quick else 2


# -- processes ----------------------------------------------------------------------------------------


def _pin(core: int) -> Callable[[], None] | None:
    if not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2:
        return None

    def pin() -> None:
        os.sched_setaffinity(0, {core})

    return pin


def pinning_note() -> str:
    if _pin(0) is None:
        return "not pinned (fewer than 2 cores or no sched_setaffinity)"
    return f"sandbox pinned to core {SERVER_CORE}, clients to core {CLIENT_CORE} (os.sched_setaffinity)"


class Runner:
    def __init__(self, python: Path, settings: Settings, env: dict[str, str]) -> None:
        self.python = python
        self.s = settings
        self.env = env

    def worker(self, cfg: Json, *, timeout: float = 600) -> Json:
        """Run one scenario in a fresh pinned process; returns its JSON (or {"error": ...})."""
        proc = subprocess.Popen(
            [str(self.python), str(WORKER), json.dumps(cfg)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env,
            preexec_fn=_pin(CLIENT_CORE),
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return {"error": f"timed out after {timeout:.0f} s"}
        lines = [ln for ln in out.decode().splitlines() if ln.startswith("{")]
        if not lines:
            tail = err.decode(errors="replace").strip().splitlines()[-3:]
            return {"error": f"worker exit {proc.returncode}: {' | '.join(tail)[:300]}"}
        result: Json = json.loads(lines[-1])
        return result

    def maxrss(self, argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[int, int]:
        """(exit status, peak RSS in KiB) of one pinned child, read with wait4 (per child, not cumulative)."""
        proc = subprocess.Popen(
            list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or self.env, preexec_fn=_pin(CLIENT_CORE)
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        return proc.returncode, int(usage.ru_maxrss)


@contextmanager
def sandbox(python: Path, env: dict[str, str]) -> Iterator[Json]:
    """The sandbox in its own process pinned to the server core; yields GET /_sandbox."""
    proc = subprocess.Popen(
        [str(python), "-m", "anytoken", "sandbox", "--port", "0", "--seed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=_pin(SERVER_CORE),
    )
    try:
        assert proc.stdout is not None
        url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline().decode()
            if not line:
                break
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                url = m.group(1)
                break
        if url is None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"[bench] the sandbox did not start: {err.strip()[-500:]}")
        with urllib.request.urlopen(url + "/_sandbox", timeout=10) as r:
            info: Json = json.loads(r.read())
        info["url"] = url
        info["pid"] = proc.pid
        yield info
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


# -- the bench venv -------------------------------------------------------------------------------------


def local_packages() -> list[Path]:
    gen = sorted(p for p in (ROOT / "generated").glob("*") if (p / "pyproject.toml").exists())
    plugins = sorted(p for p in (ROOT / "plugins").glob("*") if (p / "pyproject.toml").exists())
    return [*gen, ROOT, *plugins]


def _source_stamp() -> str:
    h = hashlib.sha256(sys.version.encode())
    h.update(json.dumps(RUNTIME_REQUIREMENTS + SDKS).encode())
    roots = [ROOT / "pyproject.toml", ROOT / "src", ROOT / "generated", ROOT / "plugins"]
    for base in roots:
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and "tests" not in f.parts and ".egg-info" not in str(f):
                h.update(str(f.relative_to(ROOT)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def ensure_bench_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not python.exists():
        log(f"creating the bench venv {venv.relative_to(ROOT)}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([*pip, *RUNTIME_REQUIREMENTS, *SDKS], check=True)
    stamp_file = venv / ".anytoken-bench-stamp"
    stamp = _source_stamp()
    if not stamp_file.exists() or stamp_file.read_text() != stamp:
        log("installing anytoken, its generated clients and plugins into the bench venv (non-editable)")
        subprocess.run([*pip, *RUNTIME_REQUIREMENTS], check=True)  # a no-op unless the list grew
        subprocess.run([*pip, "--no-deps", "--force-reinstall", *map(str, local_packages())], check=True)
        stamp_file.write_text(stamp)
    return python


# -- statistics and formatting --------------------------------------------------------------------------


def summarize(values: list[float]) -> Json:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


# -- targets: what each provider's mint looks like ---------------------------------------------------------


#: presets of the oauth2 plugin: the same code path as the ``oauth2`` target (google's one-time signed
#: assertions could not be replayed by the raw clients anyway: the server refuses a reused jti)
PRESET_TARGETS = frozenset({"auth0", "okta", "entra", "keycloak", "google"})


def build_targets(runner: Runner, info: Json) -> dict[str, Json]:
    targets: dict[str, Json] = {}
    for name, p in info["providers"].items():
        if name in PRESET_TARGETS:
            continue
        target: Json = {
            "provider": name,
            "base_url": p["base_url"],
            "credentials": p["credentials"],
            "examples": p["examples"],
            "kind": None,
            "params": {},
        }
        rec = runner.worker({"mode": "record", "target": target})
        if "error" in rec:
            log(f"{name}: cannot mint through anytoken: {rec['error']}")
            continue
        target.update(
            kind=rec["kind"], params=rec["params"], requests=rec["requests"], env=rec["env"], distribution=rec.get("distribution")
        )
        last = rec["requests"][-1]
        path = last["url"][len(p["base_url"]) :].split("?")[0]
        target["path"] = f"{last['method']} {path}"
        sdk = _sdk_target(name, p, path, last)
        if sdk:
            target["sdk"] = sdk
        targets[name] = target
    return targets


def _sdk_target(name: str, p: Json, path: str, request: Json) -> Json | None:
    import base64

    # the key anytoken sent (a provider may have several credential fields: clerk's m2m kind uses the machine key)
    auth = next((v for k, v in request["headers"] if k.lower() == "authorization"), "")
    key = auth.split(" ", 1)[1] if auth.lower().startswith("bearer ") else next(iter(p["credentials"].values()), "")
    if name == "telnyx":
        m = re.fullmatch(r"/telephony_credentials/([^/]+)/token", path)
        return {"api_key": key, "credential_id": m.group(1)} if m else None
    if name == "clerk":
        body_raw = base64.b64decode(request["body"]) or b"{}"
        try:
            body = json.loads(body_raw)
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        if path == "/m2m_tokens":
            allowed = {"token_format", "seconds_until_expiration", "claims"}
            return {"secret_key": key, "op": "m2m.create_token", "args": {k: v for k, v in body.items() if k in allowed}}
        m = re.fullmatch(r"/sessions/([^/]+)/tokens(?:/([^/]+))?", path)
        if m and m.group(2):
            return {
                "secret_key": key,
                "op": "sessions.create_token_from_template",
                "args": {"session_id": m.group(1), "template_name": m.group(2)},
            }
        if m:
            args = {"session_id": m.group(1)}
            if "expires_in_seconds" in body:
                args["expires_in_seconds"] = body["expires_in_seconds"]
            return {"secret_key": key, "op": "sessions.create_token", "args": args}
        simple = {
            "/testing_tokens": "testing_tokens.create",
            "/sign_in_tokens": "sign_in_tokens.create",
            "/actor_tokens": "actor_tokens.create",
        }
        if path in simple:
            return {"secret_key": key, "op": simple[path], "args": {"request": body} if body else {}}
    return None


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


# -- 3. cold start -------------------------------------------------------------------------------------


def cold_commands(python: Path, targets: dict[str, Json]) -> dict[str, list[str]]:
    cmds: dict[str, list[str]] = {"python -c pass": [str(python), "-c", "pass"]}
    cmds["import httpx"] = [str(python), "-c", "import httpx"]
    main = "telnyx" if "telnyx" in targets else next(iter(targets), None)
    if main is None:
        return cmds
    t = targets[main]
    rq = t["requests"][-1]
    httpx_code = (
        "import base64, httpx\n"
        f"rq = {json.dumps(rq)}\n"
        "h = {k: v for k, v in rq['headers'] if k.lower() not in ('host', 'content-length')}\n"
        "with httpx.Client() as c:\n"
        "    r = c.request(rq['method'], rq['url'], headers=h, content=base64.b64decode(rq['body']))\n"
        "    assert r.status_code < 300, r.status_code\n"
    )
    cmds[f"raw httpx: import + 1 request ({main})"] = [str(python), "-c", httpx_code]
    cmds["import anytoken"] = [str(python), "-c", "import anytoken"]
    for name, tg in targets.items():
        code = f"import anytoken\nanytoken.create_token({name!r}, kind={tg['kind']!r}, **{tg['params']!r})\n"
        cmds[f"anytoken API: import + 1 token ({name})"] = [str(python), "-c", code]
    cli = [str(python.parent / "anytoken"), "create", main, "--kind", t["kind"]]
    for k, v in t["params"].items():
        cli += [f"--{k.replace('_', '-')}", v if isinstance(v, str) else json.dumps(v)]
    cmds[f"anytoken CLI: 1 token ({main})"] = cli
    # `anytoken token` (a cached token, as a whole process) once that command exists; warmed up before timing
    probe = subprocess.run([str(python.parent / "anytoken"), "token", "--help"], capture_output=True)
    if probe.returncode == 0:
        cmds[f"anytoken CLI: token, cache hit ({main})"] = [cli[0], "token", *cli[2:]]
    if "telnyx" in targets and "sdk" in targets["telnyx"]:
        sdk = targets["telnyx"]["sdk"]
        cmds["import telnyx"] = [str(python), "-c", "import telnyx"]
        cmds["telnyx SDK: import + 1 token"] = [
            str(python),
            "-c",
            f"import telnyx\nc = telnyx.Telnyx(api_key={sdk['api_key']!r}, base_url={targets['telnyx']['base_url']!r}, max_retries=0)\n"
            f"c.telephony_credentials.create_token({sdk['credential_id']!r})\n",
        ]
    if "clerk" in targets and "sdk" in targets["clerk"]:
        sdk = targets["clerk"]["sdk"]
        group, method = sdk["op"].split(".")
        cmds["import clerk_backend_api"] = [str(python), "-c", "import clerk_backend_api"]
        cmds["clerk SDK: import + 1 token"] = [
            str(python),
            "-c",
            f"import clerk_backend_api\nc = clerk_backend_api.Clerk(bearer_auth={sdk['secret_key']!r}, server_url={targets['clerk']['base_url']!r})\n"
            f"c.{group}.{method}(**{sdk['args']!r})\n",
        ]
    return cmds


def bench_cold(runner: Runner, targets: dict[str, Json]) -> Json:
    env = dict(runner.env)
    for t in targets.values():
        env.update(t.get("env") or {})
    cmds = cold_commands(runner.python, targets)
    times: dict[str, list[float]] = {k: [] for k in cmds}
    errors: dict[str, str] = {}
    for label, argv in cmds.items():
        if "cache hit" in label:  # fill the cache the command reads
            subprocess.run(argv, env=env, capture_output=True)
    for _ in range(runner.s.cold_runs):
        for label, argv in cmds.items():
            if label in errors:
                continue
            t0 = time.perf_counter()
            proc = subprocess.run(argv, env=env, capture_output=True, preexec_fn=_pin(CLIENT_CORE))
            dt = time.perf_counter() - t0
            if proc.returncode != 0:
                errors[label] = (proc.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1][:200]
                continue
            times[label].append(dt * 1000)
    rows: Json = {}
    for label in cmds:
        rows[label] = {"error": errors[label]} if label in errors else {"ms": summarize(times[label])}
    out: Json = {"rows": rows, "runs": runner.s.cold_runs}
    main = "telnyx" if "telnyx" in targets else next(iter(targets), None)
    if main:
        out["importtime"] = importtime(runner.python, env, cmds[f"anytoken API: import + 1 token ({main})"][-1])
    return out


def importtime(python: Path, env: dict[str, str], code: str) -> list[Json]:
    """`python -X importtime` of the anytoken API path: the top-level packages by cumulative import time."""
    proc = subprocess.run([str(python), "-X", "importtime", "-c", code], env=env, capture_output=True, preexec_fn=_pin(CLIENT_CORE))
    own: dict[str, int] = {}  # self time summed per top-level package: who pays, wherever it is imported from
    cumulative: dict[str, int] = {}
    for line in proc.stderr.decode(errors="replace").splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        top = m.group(4).split(".")[0]
        own[top] = own.get(top, 0) + int(m.group(1))
        cumulative.setdefault(m.group(4), int(m.group(2)))
    ranked = sorted(own.items(), key=lambda kv: -kv[1])
    return [{"module": k, "ms": v / 1000, "cum_ms": cumulative.get(k, 0) / 1000} for k, v in ranked[:15]]


# -- 4. startup with many plugins (another engineer's script) -------------------------------------------------


def bench_startup(runner: Runner) -> Json:
    doc = ROOT / "docs" / "startup.md"
    script = ROOT / "scripts" / "bench_startup.py"
    if doc.exists():
        return {"source": "docs/startup.md", "tables": _markdown_tables(doc.read_text())}
    if script.exists():
        proc = subprocess.run([str(runner.python), str(script)], capture_output=True, env=runner.env, timeout=600)
        return {"source": "scripts/bench_startup.py", "stdout": proc.stdout.decode()[-4000:], "exit": proc.returncode}
    return {"pending": "scripts/bench_startup.py and docs/startup.md do not exist yet"}


def _markdown_tables(text: str) -> list[str]:
    tables: list[str] = []
    current: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.strip().startswith("|"):
            current.append(line)
        elif current:
            tables.append("\n".join(current))
            current = []
    return tables


# -- 5. regeneration -------------------------------------------------------------------------------------


def bench_regen(runner: Runner, dev_python: Path) -> Json:
    if not dev_python.exists():
        return {"pending": f"no development venv at {dev_python} (the generator lives there)"}
    gen_bin = dev_python.parent / "openapi-python-client"
    env = {**os.environ, "PATH": f"{dev_python.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory(prefix="anytoken-bench-regen-") as tmp:
        root = Path(tmp) / "repo"
        for sub in ("specs", "scripts", "generated"):
            shutil.copytree(ROOT / sub, root / sub, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".venv"))
        regen = [str(dev_python), str(root / "scripts" / "regenerate.py"), "--root", str(root)]

        def timed(argv: list[str], cwd: Path) -> tuple[float, int, str]:
            t0 = time.perf_counter()
            proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, preexec_fn=_pin(CLIENT_CORE))
            tail = (proc.stdout + proc.stderr).decode(errors="replace").strip().splitlines()[-1:] or [""]
            return time.perf_counter() - t0, proc.returncode, tail[0][:200]

        out: Json = {}
        noop = [timed(regen, root) for _ in range(runner.s.regen_noop_runs)]
        out["noop_s"] = summarize([t for t, _, _ in noop])
        out["noop_exit"] = max(c for _, c, _ in noop)
        out["noop_last_line"] = noop[-1][2]
        t, code, line = timed([*regen, "--force"], root)
        out["force_s"], out["force_exit"], out["force_last_line"] = t, code, line
        specs = sorted(p for p in (root / "specs").glob("*.yaml") if not p.name.endswith(".config.yaml"))
        plain_total = 0.0
        plain_codes = []
        for spec in specs:
            config = spec.with_name(spec.stem + ".config.yaml")
            argv = [str(gen_bin), "generate", "--path", str(spec), "--output-path", str(Path(tmp) / "plain" / spec.stem), "--meta", "uv"]
            if config.exists():
                argv += ["--config", str(config)]
            t, code, _ = timed(argv, Path(tmp))
            plain_total += t
            plain_codes.append(code)
        out["plain_s"], out["plain_exit"], out["plain_specs"] = plain_total, max(plain_codes or [0]), len(specs)
    return out


# -- 6. cache ------------------------------------------------------------------------------------------


def bench_cache(runner: Runner, targets: dict[str, Json], sandbox_url: str) -> Json:
    main = "telnyx" if "telnyx" in targets else next(iter(targets), None)
    if main is None:
        return {"pending": "no provider plugin installed"}
    res = runner.worker(
        {"mode": "cache", "target": targets[main], "n": runner.s.cache_hits, "waiters": runner.s.cache_waiters, "sandbox_url": sandbox_url}
    )
    res["provider"] = main
    return res


# -- 7. peak RSS -------------------------------------------------------------------------------------------


def bench_rss(runner: Runner, targets: dict[str, Json]) -> Json:
    rows: Json = {}
    _, base = runner.maxrss([str(runner.python), "-c", "pass"])
    rows["python -c pass|"] = {"kb": base}
    jobs: list[tuple[str, str]] = []
    for name in targets:
        jobs.append(("anytoken", name))
    main = "telnyx" if "telnyx" in targets else next(iter(targets), None)
    if main:
        jobs += [("anytoken-httpx", main), ("httpx", main), ("http.client", main)]
    for name in ("telnyx", "clerk"):
        if name in targets and "sdk" in targets[name]:
            jobs.append((f"{name}-sdk", name))
    for impl, t in jobs:
        cfg = {"mode": "rss", "impl": impl, "target": targets[t], "n": runner.s.rss_n}
        code, kb = runner.maxrss([str(runner.python), str(WORKER), json.dumps(cfg)])
        rows[f"{impl}|{t}"] = {"kb": kb} if code == 0 else {"error": f"exit {code}"}
    return {"rows": rows, "n": runner.s.rss_n}


# -- 8. auth objects (another engineer's script) -------------------------------------------------------------


def bench_auth(runner: Runner) -> Json:
    """``bench/auth_overhead.py`` (HttpxAuth on a cache hit vs a bare httpx.Client), in the bench venv."""
    script = BENCH / "auth_overhead.py"
    if not script.exists():
        return {"pending": "bench/auth_overhead.py does not exist yet"}
    n, rounds = (200, 3) if runner.s.quick else (1000, 11)
    proc = subprocess.run(
        [str(runner.python), str(script), "--json", "-n", str(n), "--rounds", str(rounds)],
        capture_output=True,
        env=runner.env,
        timeout=600,
        preexec_fn=_pin(CLIENT_CORE),
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1][:200]}
    result: Json = json.loads(proc.stdout)
    return result


# -- profile (for the recommendations) ----------------------------------------------------------------------


def bench_profile(runner: Runner, targets: dict[str, Json]) -> Json:
    main = "telnyx" if "telnyx" in targets else next(iter(targets), None)
    if main is None:
        return {}
    out: Json = {"provider": main}
    for impl in ("anytoken", "anytoken-noio", "httpx"):
        out[impl] = runner.worker({"mode": "profile", "impl": impl, "target": targets[main], "n": runner.s.profile_n, "warmup": 50})
    return out


# -- machine -------------------------------------------------------------------------------------------


def machine(runner: Runner) -> Json:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        load = " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "?"
    versions = runner.worker({"mode": "versions", "dists": VERSION_DISTS})
    installed = set(versions.get("installed", []))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "kernel": platform.release(),
        "python": versions.get("versions", {}).get("python"),
        "versions": versions.get("versions", {}),
        "heavy_present": sorted(h for h in HEAVY_OPTIONAL if h in installed),
        "pinning": pinning_note(),
        "loadavg": load,
        "interpreter": str(runner.python.relative_to(ROOT)) if runner.python.is_relative_to(ROOT) else str(runner.python),
    }


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
