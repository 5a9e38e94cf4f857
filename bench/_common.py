"""What every bench/run.py section shares: paths, settings, the pinned client processes and the sandbox."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
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


# -- statistics and formatting --------------------------------------------------------------------------


def summarize(values: list[float]) -> Json:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def cpu_name(default: str = "?") -> str:
    """The CPU model from ``/proc/cpuinfo`` (``default`` where there is none)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return default
