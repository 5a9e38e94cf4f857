"""What the scripts that run a real server on 127.0.0.1 for the live tests share (``oidc_server.py``,
``unleash_server.py``): an npm package installed once into a cache, a free port, stopping a process group, and
the foreground ``run`` command (print the environment, wait for Ctrl-C or SIGTERM).

Standard library only. The scripts are run directly and loaded by path from the tests, so each puts this folder
on ``sys.path`` before importing this module.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

__all__ = [
    "LocalServer",
    "NpmPackage",
    "Unavailable",
    "command_line",
    "free_port",
    "log_to_stderr",
    "node_binary",
    "npm_install",
    "npm_installed_version",
    "serve_in_foreground",
    "spawn_until_ready",
    "terminate",
]


class Unavailable(RuntimeError):
    """A real server cannot be started here (each script subclasses it, saying what it needs)."""


class _Server(Protocol):
    startup_seconds: float

    def env(self) -> dict[str, str]: ...


class LocalServer:
    """What a running server of these scripts has: its temporary ``root``, its process, how long it took to start
    (``startup_seconds``); :meth:`stop` (also on leaving a ``with`` block) ends the process and removes ``root``."""

    def __init__(self, root: Path, proc: subprocess.Popen[bytes]) -> None:
        self.root = root
        self._proc = proc
        self.startup_seconds = 0.0

    def _stopped(self) -> None:
        """After the process ends, before ``root`` is removed: what else the server runs (a database)."""

    def stop(self) -> None:
        terminate(self._proc)
        self._stopped()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def log_to_stderr(prefix: str) -> Callable[[str], None]:
    def log(msg: str) -> None:
        print(f"[{prefix}] {msg}", file=sys.stderr, flush=True)

    return log


@dataclasses.dataclass(frozen=True)
class NpmPackage:
    """An npm package installed once per version into ``cache/VERSION``; ``entry`` is the file node runs."""

    name: str
    entry: str
    manifest: dict[str, Any]
    duration: str = "~30 s"

    def entry_in(self, cache: Path, version: str) -> Path:
        return cache / version / "node_modules" / self.name / self.entry

    def install(self, cache: Path, version: str, *, timeout: float, log: Callable[[str], None], unavailable: type[Unavailable]) -> Path:
        """``npm install NAME@VERSION`` into ``cache/VERSION`` unless it is already there; the entry file."""
        entry = self.entry_in(cache, version)
        return npm_install(
            self.name,
            version,
            cache,
            entry,
            manifest=self.manifest,
            timeout=timeout,
            log=log,
            unavailable=unavailable,
            duration=self.duration,
        )


def npm_installed_version(cache: Path, version: str, package: str) -> str | None:
    """The version of ``package`` installed in ``cache/version`` (None when it is not there or unreadable)."""
    try:
        return str(json.loads((cache / version / "node_modules" / package / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def npm_install(
    package: str,
    version: str,
    cache: Path,
    entry: Path,
    *,
    manifest: dict[str, Any],
    timeout: float,
    log: Callable[[str], None],
    unavailable: type[Unavailable],
    duration: str = "~30 s",
) -> Path:
    """``npm install package@version`` into ``cache/version`` unless it is already there; returns ``entry``.

    :raises Unavailable: (as ``unavailable``) without node/npm, on a timeout, or when npm fails.
    """
    if npm_installed_version(cache, version, package) == version and entry.exists():
        return entry
    npm = shutil.which("npm")
    if not shutil.which("node") or not npm:
        raise unavailable(f"node and npm are needed to install {package} (apt-get install nodejs npm)")
    target = cache / version
    target.mkdir(parents=True, exist_ok=True)
    manifest_file = target / "package.json"
    if not manifest_file.exists():
        manifest_file.write_text(json.dumps(manifest) + "\n")
    log(f"installing {package}@{version} into {target} (once; {duration})")
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--omit=dev", "--loglevel=error", f"{package}@{version}"],
            cwd=target,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise unavailable(f"npm install {package}@{version} took longer than {timeout:.0f} s") from None
    if proc.returncode != 0 or npm_installed_version(cache, version, package) != version:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise unavailable(f"npm install {package}@{version} failed: {' | '.join(tail)}")
    log(f"installed in {time.monotonic() - started:.1f} s")
    return entry


def node_binary(unavailable: type[Unavailable]) -> str:
    """The ``node`` on PATH; ``unavailable`` when there is none."""
    node = shutil.which("node")
    if not node:
        raise unavailable("node is not installed (apt-get install nodejs npm)")
    return node


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group started with ``start_new_session=True``; SIGKILL after 10 s."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def serve_in_foreground(running: Callable[[], AbstractContextManager[_Server]], log: Callable[[str], None], stops: str) -> None:
    """Start the server, print its ``env()`` as ``NAME=value`` lines and wait until SIGINT or SIGTERM."""
    stop = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with running() as server:
        for name, value in server.env().items():
            print(f"{name}={value}", flush=True)
        log(f"ready in {server.startup_seconds:.1f} s; Ctrl-C (or SIGTERM) stops {stops}")
        while not stop:
            time.sleep(0.2)


def spawn_until_ready(
    cmd: list[str],
    *,
    env: dict[str, str],
    log_file: Path,
    ready: Callable[[], bool],
    timeout: float,
    what: str,
    unavailable: type[Unavailable],
    cwd: Path | None = None,
    poll: float = 0.1,
) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in its own process group (output to ``log_file``) and wait until ``ready()``.

    ``ready`` may raise OSError (not listening yet). The process is stopped again when it exits early, does not
    get ready within ``timeout`` seconds (both raise ``unavailable``, with the log's tail) or the wait is interrupted.
    """
    with open(log_file, "wb") as log:  # the child keeps its own descriptor
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                tail = log_file.read_text(errors="replace")[-600:]
                raise unavailable(f"{what} exited with {proc.returncode}: {tail}")
            with contextlib.suppress(OSError):
                if ready():
                    return proc
            if time.monotonic() > deadline:
                raise unavailable(f"{what} was not ready within {timeout:.0f} s")
            time.sleep(poll)
    except BaseException:
        terminate(proc)
        raise


def command_line(
    argv: Sequence[str] | None,
    *,
    doc: str | None,
    package: str,
    version: str,
    cache: Path,
    install: Callable[[Path, str], Path],
    check: Callable[[], None],
    serve: Callable[[argparse.Namespace], None],
    unavailable: type[Unavailable],
    name: str,
    extra: Callable[[argparse.ArgumentParser], object] | None = None,
) -> int:
    """``NAME [run|install|check] [--version V] [--cache DIR] [--port N]``: the exit status (1 with one line on
    stderr when the server cannot run here)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    parser.add_argument("command", nargs="?", default="run", choices=["run", "install", "check"])
    parser.add_argument("--version", default=version, help=f"{package} version (default {version})")
    parser.add_argument("--cache", type=Path, default=cache, help=f"npm install location (default {cache})")
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default: a free one)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            print(install(args.cache, args.version))
            return 0
        if args.command == "check":
            if not shutil.which("node") or not shutil.which("npm"):
                raise unavailable("node/npm missing")
            check()
            print("ok")
            return 0
        serve(args)
        return 0
    except Unavailable as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 1
