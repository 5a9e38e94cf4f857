#!/usr/bin/env python3
"""Run a real Unleash 8.2.x server on 127.0.0.1 with a throwaway PostgreSQL cluster.

::

    python scripts/unleash_server.py            # install if missing, start, print the env, wait for Ctrl-C
    python scripts/unleash_server.py install    # only install unleash-server into the cache
    python scripts/unleash_server.py check      # say whether a server could be started here (exit 0/1)

Installs ``unleash-server`` with npm into ``~/.cache/anytoken/unleash`` (``ANYTOKEN_UNLEASH_CACHE``;
idempotent: a second run reuses it), starts PostgreSQL (``initdb``/``pg_ctl`` from the Debian
``postgresql`` package, run as the ``postgres`` user when we are root) in a temporary directory, starts
Unleash with ``INIT_ADMIN_API_TOKENS`` set to a fresh ``*:*.<hex>`` admin token, waits for ``/health``,
logs in as the default admin to create a personal access token, and prints::

    UNLEASH_URL=http://127.0.0.1:PORT
    UNLEASH_API_TOKEN=*:*.<hex>
    UNLEASH_PAT=user:<hex>

Everything (both servers, the temp dir) is removed on exit. Tests use :class:`UnleashServer` directly
(``with UnleashServer.start() as server: ...``); :class:`Unavailable` says why a server cannot run here.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType

VERSION = os.environ.get("ANYTOKEN_UNLEASH_VERSION", "8.2.0")
CACHE = Path(os.environ.get("ANYTOKEN_UNLEASH_CACHE", Path.home() / ".cache" / "anytoken" / "unleash"))
ADMIN_USER = "admin"
ADMIN_PASSWORD = "unleash4all"  # Unleash's documented default for a fresh instance


class Unavailable(RuntimeError):
    """A real Unleash cannot be started here (no node/npm, no PostgreSQL, install or start failure)."""


def _log(msg: str) -> None:
    print(f"[unleash_server] {msg}", file=sys.stderr, flush=True)


# -- install ----------------------------------------------------------------------------------------


def server_entry(cache: Path = CACHE, version: str = VERSION) -> Path:
    return cache / version / "node_modules" / "unleash-server" / "dist" / "server.js"


def installed_version(cache: Path = CACHE, version: str = VERSION) -> str | None:
    pkg = cache / version / "node_modules" / "unleash-server" / "package.json"
    try:
        return str(json.loads(pkg.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def install(cache: Path = CACHE, version: str = VERSION, timeout: float = 600.0) -> Path:
    """``npm install unleash-server@VERSION`` into ``cache/VERSION`` unless it is already there."""
    if installed_version(cache, version) == version and server_entry(cache, version).exists():
        return server_entry(cache, version)
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise Unavailable("node and npm are needed to install unleash-server (apt-get install nodejs npm)")
    target = cache / version
    target.mkdir(parents=True, exist_ok=True)
    manifest = target / "package.json"
    if not manifest.exists():
        manifest.write_text(json.dumps({"name": "anytoken-unleash-runtime", "private": True}) + "\n")
    _log(f"installing unleash-server@{version} into {target} (once; ~30-60 s)")
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--omit=dev", "--loglevel=error", f"unleash-server@{version}"],
            cwd=target,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise Unavailable(f"npm install unleash-server@{version} took longer than {timeout:.0f} s") from None
    if proc.returncode != 0 or installed_version(cache, version) != version:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise Unavailable(f"npm install unleash-server@{version} failed: {' | '.join(tail)}")
    _log(f"installed in {time.monotonic() - started:.1f} s")
    return server_entry(cache, version)


# -- PostgreSQL -------------------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: p.parent.parent.name, reverse=True)
    if candidates:
        return str(candidates[0])
    raise Unavailable(f"PostgreSQL's {name} was not found (apt-get install postgresql)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Postgres:
    """A throwaway cluster in ``root/pg``: trust auth on 127.0.0.1 only, user and database ``unleash``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "pg"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        self.started = False

    def _run(self, argv: Sequence[str], timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        cmd = list(argv)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)

    def start(self) -> str:
        initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if self.as_postgres:
            import pwd

            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root but there is no 'postgres' user to run PostgreSQL as") from None
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        proc = self._run([initdb, "-D", str(self.data), "-U", "unleash", "--auth=trust", "-E", "UTF8", "--no-sync"])
        if proc.returncode != 0:
            raise Unavailable(f"initdb failed: {proc.stderr.strip()[-300:]}")
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        proc = self._run([pg_ctl, "-D", str(self.data), "-l", str(self.root / "pg.log"), "-o", opts, "-w", "-t", "60", "start"])
        if proc.returncode != 0:
            log = (self.root / "pg.log").read_text(errors="replace")[-300:] if (self.root / "pg.log").exists() else ""
            raise Unavailable(f"PostgreSQL did not start: {proc.stderr.strip()[-200:]} {log}")
        self.started = True
        createdb = _pg_bin("createdb")
        proc = self._run([createdb, "-h", "127.0.0.1", "-p", str(self.port), "-U", "unleash", "unleash"])
        if proc.returncode != 0:
            raise Unavailable(f"createdb failed: {proc.stderr.strip()[-300:]}")
        return f"postgres://unleash@127.0.0.1:{self.port}/unleash"

    def stop(self) -> None:
        if self.started:
            with contextlib.suppress(Exception):
                self._run([_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop"], timeout=60)
            self.started = False


# -- Unleash ----------------------------------------------------------------------------------------


def _get(url: str, headers: dict[str, str] | None = None, timeout: float = 5.0) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return int(resp.status), resp.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


class UnleashServer:
    """A running Unleash + PostgreSQL pair. ``url``, ``api_token`` (admin API token), ``pat`` (a personal
    access token of the default admin user, or None when it could not be made). Stop with :meth:`stop`."""

    def __init__(self, url: str, api_token: str, pat: str | None, root: Path, pg: _Postgres, proc: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.api_token = api_token
        self.pat = pat
        self.root = root
        self._pg = pg
        self._proc = proc
        self.startup_seconds = 0.0

    @classmethod
    def start(cls, *, cache: Path = CACHE, version: str = VERSION, timeout: float = 180.0, port: int | None = None) -> UnleashServer:
        """Install (if needed) and start; raises :class:`Unavailable` with the reason when it cannot."""
        t0 = time.monotonic()
        node = shutil.which("node")
        if not node:
            raise Unavailable("node is not installed (apt-get install nodejs npm)")
        _pg_bin("initdb")  # fail early, before a long install, when PostgreSQL is missing
        entry = install(cache, version)
        root = Path(tempfile.mkdtemp(prefix="anytoken-unleash-"))
        pg = _Postgres(root)
        proc: subprocess.Popen[bytes] | None = None
        try:
            database_url = pg.start()
            port = port or _free_port()
            api_token = f"*:*.{secrets.token_hex(28)}"
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith(("UNLEASH_", "DATABASE_", "INIT_"))},
                "DATABASE_URL": database_url,
                "DATABASE_SSL": "false",
                "HTTP_HOST": "127.0.0.1",
                "HTTP_PORT": str(port),
                "INIT_ADMIN_API_TOKENS": api_token,
                "LOG_LEVEL": "warn",
                "NODE_ENV": "production",
                "UNLEASH_DEFAULT_ADMIN_USERNAME": ADMIN_USER,
                "UNLEASH_DEFAULT_ADMIN_PASSWORD": ADMIN_PASSWORD,
                "CHECK_VERSION": "false",
                "SEND_TELEMETRY": "false",
            }
            with open(root / "unleash.log", "wb") as log:  # the child keeps its own descriptor
                proc = subprocess.Popen(
                    [node, str(entry)], cwd=entry.parent, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    tail = (root / "unleash.log").read_text(errors="replace")[-600:]
                    raise Unavailable(f"unleash-server exited with {proc.returncode}: {tail}")
                try:
                    status, _ = _get(url + "/health", timeout=2.0)
                    if status == 200:
                        status, _ = _get(url + "/api/admin/projects", {"Authorization": api_token})
                        if status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise Unavailable(f"unleash-server was not healthy within {timeout:.0f} s")
                time.sleep(0.25)
            server = cls(url, api_token, None, root, pg, proc)
            server.pat = server._make_pat()
            server.startup_seconds = time.monotonic() - t0
            return server
        except BaseException:
            if proc is not None:
                _terminate(proc)
            pg.stop()
            shutil.rmtree(root, ignore_errors=True)
            raise

    def _make_pat(self) -> str | None:
        """Log in as the default admin (a session) and create a personal access token."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        try:
            login = urllib.request.Request(
                self.url + "/auth/simple/login",
                data=json.dumps({"username": ADMIN_USER, "password": ADMIN_PASSWORD}).encode(),
                headers={"Content-Type": "application/json"},
            )
            opener.open(login, timeout=10).read()
            expires = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 30 * 86400))
            create = urllib.request.Request(
                self.url + "/api/admin/user/tokens",
                data=json.dumps({"description": "anytoken-test", "expiresAt": expires}).encode(),
                headers={"Content-Type": "application/json"},
            )
            body = json.loads(opener.open(create, timeout=10).read())
            return str(body["secret"])
        except (OSError, ValueError, KeyError) as exc:
            _log(f"could not create a personal access token: {exc}")
            return None

    def env(self) -> dict[str, str]:
        out = {"UNLEASH_URL": self.url, "UNLEASH_API_TOKEN": self.api_token}
        if self.pat:
            out["UNLEASH_PAT"] = self.pat
        return out

    def stop(self) -> None:
        _terminate(self._proc)
        self._pg.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> UnleashServer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


@contextlib.contextmanager
def running(**kwargs: object) -> Iterator[UnleashServer]:
    server = UnleashServer.start(**kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("command", nargs="?", default="run", choices=["run", "install", "check"])
    parser.add_argument("--version", default=VERSION, help=f"unleash-server version (default {VERSION})")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"npm install location (default {CACHE})")
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default: a free one)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for /health")
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            print(install(args.cache, args.version))
            return 0
        if args.command == "check":
            if not shutil.which("node") or not shutil.which("npm"):
                raise Unavailable("node/npm missing")
            _pg_bin("initdb")
            print("ok")
            return 0
        stop = False

        def on_signal(signum: int, frame: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        with running(cache=args.cache, version=args.version, port=args.port, timeout=args.timeout) as server:
            for name, value in server.env().items():
                print(f"{name}={value}", flush=True)
            _log(f"ready in {server.startup_seconds:.1f} s; Ctrl-C (or SIGTERM) stops Unleash and PostgreSQL")
            while not stop:
                time.sleep(0.2)
        _log("stopped")
        return 0
    except Unavailable as exc:
        print(f"unleash_server: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
