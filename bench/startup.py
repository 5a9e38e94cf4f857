#!/usr/bin/env python3
"""Startup cost of anytoken with 0, 10 and 100 extra installed plugin distributions.

    python bench/startup.py [--runs 21] [--output docs/startup.md] [--keep DIR]

In three dedicated virtual environments under a temp dir it pip-installs (non-editable, one pip call each)
the core (a wheel built once from this checkout), one benchmark plugin ``anytoken-benchstub`` (provider
``benchstub``: one GET on a loopback stub server through ``request.http``) and 0, 10 or 100 generated dummy
plugin distributions (wheels written here, one provider each, never used). It runs, as fresh processes, ``N`` rounds in which every command runs in every venv
(interleaved, so a shared machine's drifting load hits every count alike), and takes the medians of:

- ``import``: ``python -c "import anytoken"``
- ``names``: ``python -c "import anytoken; anytoken.default_client().registry.names()"`` (the entry-point
  scan, nothing imported)
- ``create``: ``anytoken create benchstub`` against the loopback stub (scan + import of one plugin + one
  HTTP call) — the path the 10 ms target is about
- ``providers``: ``anytoken providers`` (imports and declares *every* plugin, by design)

plus, inside one process, the time of the first ``Registry().records()`` scan. Writes a Markdown report.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

from _common import cpu_name  # bench/ is sys.path[0] when this runs as a script

ROOT = Path(__file__).resolve().parent.parent
COUNTS = (0, 10, 100)

STUB_PLUGIN = '''"""Benchmark plugin: provider benchstub mints by one GET on BENCHSTUB_BASE_URL."""

from __future__ import annotations

from anytoken import Param, ProviderInfo, Token, TokenKind, TokenRequest, hookimpl


@hookimpl
def anytoken_providers() -> list[ProviderInfo]:
    kind = TokenKind("static", help="one GET", params=(Param("label", help="unused"),))
    return [ProviderInfo(name="benchstub", kinds=(kind,), base_url_env="BENCHSTUB_BASE_URL")]


@hookimpl
def create_token(request: TokenRequest) -> Token | None:
    if request.provider != "benchstub":
        return None
    response = request.http.sync_client({}).get(request.base_url + "/token")
    return Token.from_value("benchstub", request.kind, response.json()["token"])
'''

DUMMY_PLUGIN = '''"""Benchmark dummy plugin {n}: declares provider {name}; never used."""

from anytoken import ProviderInfo, TokenKind, hookimpl


@hookimpl
def anytoken_providers():
    return [ProviderInfo(name="{name}", kinds=(TokenKind("static", help="dummy"),), base_urls=(("default", "https://{name}.invalid"),))]
'''


def write_wheel(directory: Path, dist: str, module: str, source: str, entry_points: dict[str, str]) -> Path:
    """A minimal valid pure-Python wheel (PEP 427) with one module and ``anytoken`` entry points."""
    version = "0.1.0"
    norm = dist.replace("-", "_")
    info = f"{norm}-{version}.dist-info"
    files = {
        f"{module}.py": source,
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\nRequires-Dist: anytoken\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: bench_startup\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": "[anytoken]\n" + "".join(f"{k} = {v}\n" for k, v in entry_points.items()),
    }
    files[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in [*files, f"{info}/RECORD"])
    path = directory / f"{norm}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def pip(venv_python: Path, *args: str) -> None:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(venv_python),
        "--disable-pip-version-check",
        "--no-input",
        "install",
        "--quiet",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"pip install failed:\n{done.stdout}{done.stderr}")


class _Stub(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"token": "bench-token-0123456789"}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def timed(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall ms, CPU ms = user + sys of the child): CPU time is what a busy shared machine disturbs least."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return elapsed, cpu


SCAN = (
    "import time, statistics; t=time.perf_counter(); import anytoken; t1=time.perf_counter(); "
    "from anytoken.plugins import Registry; r=Registry(); t2=time.perf_counter(); r.records(); t3=time.perf_counter(); "
    "token = anytoken.create_token('benchstub'); t4=time.perf_counter(); warm=[] \n"
    "for _ in range(30):\n s=time.perf_counter(); Registry().records(); warm.append(time.perf_counter()-s)\n"
    "print((t3-t2)*1000, statistics.median(warm)*1000, (t4-t)*1000)"
)


def commands(bindir: Path) -> dict[str, list[str]]:
    python = str(bindir / "python")
    return {
        "import": [python, "-c", "import anytoken"],
        "names": [python, "-c", "import anytoken; anytoken.default_client().registry.names()"],
        "create": [str(bindir / "anytoken"), "create", "benchstub"],
        "providers": [str(bindir / "anytoken"), "providers"],
    }


def measure(bindirs: dict[int, Path], env: dict[str, str], runs: int) -> dict[int, dict[str, float]]:
    """Median per (count, command). Every round runs every command in every venv, so the load of a shared
    machine drifting over time hits all counts alike."""
    wall: dict[tuple[int, str], list[float]] = {}
    cpu: dict[tuple[int, str], list[float]] = {}
    scans: dict[int, list[tuple[float, ...]]] = {n: [] for n in bindirs}
    for bindir in bindirs.values():  # warm the page cache and .pyc files
        for cmd in commands(bindir).values():
            timed(cmd, {**env, "PATH": f"{bindir}{os.pathsep}{env['PATH']}"})
    for i in range(runs):
        print(f"  round {i + 1}/{runs}", file=sys.stderr, end="\r")
        for n, bindir in bindirs.items():
            venv_env = {**env, "PATH": f"{bindir}{os.pathsep}{env['PATH']}"}
            for key, cmd in commands(bindir).items():
                w, c = timed(cmd, venv_env)
                wall.setdefault((n, key), []).append(w)
                cpu.setdefault((n, key), []).append(c)
            out = subprocess.run(
                [str(bindir / "python"), "-c", SCAN], env=venv_env, capture_output=True, text=True, check=True
            ).stdout.split()
            scans[n].append(tuple(map(float, out)))
    print(file=sys.stderr)
    results: dict[int, dict[str, float]] = {n: {} for n in bindirs}
    for (n, key), values in wall.items():
        results[n][f"{key}:wall"] = statistics.median(values)
    for (n, key), values in cpu.items():
        results[n][f"{key}:cpu"] = statistics.median(values)
    for n, rows in scans.items():
        for i, key in enumerate(("scan:first", "scan:warm", "inproc:create")):
            results[n][key] = statistics.median(row[i] for row in rows)
    return results


def versions(python: Path) -> dict[str, str]:
    code = (
        "import json, sys, importlib.metadata as m; "
        "print(json.dumps({'python': sys.version.split()[0], **{d: m.version(d) for d in ('anytoken', 'pluggy', 'httpx', 'attrs')}}))"
    )
    out: dict[str, str] = json.loads(subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout)
    return out


def machine() -> str:
    cpu = cpu_name(platform.processor() or platform.machine())
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"


def report(results: dict[int, dict[str, float]], runs: int, info: dict[str, str]) -> str:
    rows = [
        ("import:cpu", "`python -c 'import anytoken'` (CPU)"),
        ("names:cpu", "`registry.names()`: entry-point scan, no plugin imported (CPU)"),
        ("create:cpu", "`anytoken create benchstub`: scan + 1 plugin + 1 loopback GET (CPU)"),
        ("providers:cpu", "`anytoken providers`: imports every plugin (CPU)"),
        ("import:wall", "`python -c 'import anytoken'` (wall)"),
        ("names:wall", "`registry.names()` (wall)"),
        ("create:wall", "`anytoken create benchstub` (wall)"),
        ("providers:wall", "`anytoken providers` (wall)"),
        ("inproc:create", "in-process: `import anytoken` → first `create_token('benchstub')` returned"),
        ("scan:first", "in-process: first `Registry().records()` (entry-point scan)"),
        ("scan:warm", "in-process: `Registry().records()` again, median of 30 (warm OS caches)"),
    ]
    head = "| measurement | " + " | ".join(f"{n} extra" for n in COUNTS) + " | +10 | +100 |"
    lines = [head, "|---|" + "---:|" * (len(COUNTS) + 2)]
    for key, label in rows:
        base = results[0][key]
        cells = [f"{results[n][key]:.1f}" for n in COUNTS]
        deltas = [f"{results[n][key] - base:+.1f}" for n in COUNTS[1:]]
        lines.append(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(deltas) + " |")
    versions_line = ", ".join(f"{k} {v}" for k, v in info.items())
    return (
        "\n".join(lines)
        + (
            f"\n\nMedian of {runs} interleaved runs each, in ms: CPU = user + sys time of the whole process, wall = elapsed "
            "time of the process (both include interpreter start-up); the in-process rows are timed with perf_counter inside the venv's interpreter.\n"
        )
        + (f"Machine: {machine()}. Versions: {versions_line}.\n")
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=21, help="runs per command and count (median reported)")
    parser.add_argument("--output", type=Path, default=None, help="write the table into this Markdown file (between markers)")
    parser.add_argument("--keep", type=Path, default=None, help="build the venv here and keep it (default: a temp dir, removed)")
    args = parser.parse_args(argv)

    root = args.keep or Path(tempfile.mkdtemp(prefix="anytoken-bench-startup-"))
    root.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        wheels = root / "wheels"
        wheels.mkdir(exist_ok=True)
        stub = write_wheel(wheels, "anytoken-benchstub", "anytoken_benchstub", STUB_PLUGIN, {"benchstub": "anytoken_benchstub"})
        dummies = [
            write_wheel(
                wheels,
                f"anytoken-dummy-{i:03d}",
                f"anytoken_dummy_{i:03d}",
                DUMMY_PLUGIN.format(n=i, name=f"dummy{i:03d}"),
                {f"dummy{i:03d}": f"anytoken_dummy_{i:03d}"},
            )
            for i in range(max(COUNTS))
        ]
        print("building the anytoken wheel from this checkout ...", file=sys.stderr)
        core_dir = root / "core"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check", "-w", str(core_dir), str(ROOT)],
            check=True,
            capture_output=True,
        )
        core = next(core_dir.glob("anytoken-*.whl"))
        bindirs: dict[int, Path] = {}
        for count in COUNTS:
            venv = root / f"venv-{count}"
            print(f"creating {venv} with {count} extra plugin distributions ...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--clear", str(venv)], check=True)
            bindirs[count] = venv / "bin"
            pip(bindirs[count] / "python", str(core), str(stub), *map(str, dummies[:count]))  # one pip call
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "BENCHSTUB_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
        }
        print(f"measuring ({args.runs} rounds) ...", file=sys.stderr)
        results = measure(bindirs, env, args.runs)
        bindir = bindirs[0]
        table = report(results, args.runs, versions(bindir / "python"))
        print(table)
        if args.output is not None:
            write_report(args.output, table)
        (root / "results.json").write_text(json.dumps(results, indent=2))
    finally:
        server.shutdown()
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


BEGIN, END = "<!-- bench_startup:begin -->", "<!-- bench_startup:end -->"


def write_report(path: Path, table: str) -> None:
    """Replace the text between the markers in ``path`` (or create the file with just the table)."""
    block = f"{BEGIN}\n{table}{END}"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Startup cost\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
