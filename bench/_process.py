"""Whole-process sections: cold start, startup, regeneration, the cache, peak RSS and the auth objects."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _common import BENCH, CLIENT_CORE, ROOT, WORKER, Json, Runner, _pin, summarize

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
    script = ROOT / "bench" / "startup.py"
    if doc.exists():
        return {"source": "docs/startup.md", "tables": _markdown_tables(doc.read_text())}
    if script.exists():
        proc = subprocess.run([str(runner.python), str(script)], capture_output=True, env=runner.env, timeout=600)
        return {"source": "bench/startup.py", "stdout": proc.stdout.decode()[-4000:], "exit": proc.returncode}
    return {"pending": "bench/startup.py and docs/startup.md do not exist yet"}


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
