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
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # run directly, or loaded by path from a test
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import _local_server  # the helpers shared with the other live-server script
from _local_server import free_port as _free_port
from _local_server import terminate as _terminate

VERSION = os.environ.get("ANYTOKEN_UNLEASH_VERSION", "8.2.0")
CACHE = Path(os.environ.get("ANYTOKEN_UNLEASH_CACHE", Path.home() / ".cache" / "anytoken" / "unleash"))
ADMIN_USER = "admin"
ADMIN_PASSWORD = "unleash4all"  # Unleash's documented default for a fresh instance


class Unavailable(_local_server.Unavailable):
    """A real Unleash cannot be started here (no node/npm, no PostgreSQL, install or start failure)."""


_log = _local_server.log_to_stderr("unleash_server")


# -- install ----------------------------------------------------------------------------------------


PACKAGE = _local_server.NpmPackage("unleash-server", "dist/server.js", {"name": "anytoken-unleash-runtime", "private": True}, "~30-60 s")


def install(cache: Path = CACHE, version: str = VERSION, timeout: float = 600.0) -> Path:
    """``npm install unleash-server@VERSION`` into ``cache/VERSION`` unless it is already there."""
    return PACKAGE.install(cache, version, timeout=timeout, log=_log, unavailable=Unavailable)


# -- PostgreSQL -------------------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: p.parent.parent.name, reverse=True)
    if candidates:
        return str(candidates[0])
    raise Unavailable(f"PostgreSQL's {name} was not found (apt-get install postgresql)")


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


class UnleashServer(_local_server.LocalServer):
    """A running Unleash + PostgreSQL pair. ``url``, ``api_token`` (admin API token), ``pat`` (a personal
    access token of the default admin user, or None when it could not be made). Stop with :meth:`stop`."""

    def __init__(self, url: str, api_token: str, pat: str | None, root: Path, pg: _Postgres, proc: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.api_token = api_token
        self.pat = pat
        self._pg = pg
        super().__init__(root, proc)

    @classmethod
    def start(cls, *, cache: Path = CACHE, version: str = VERSION, timeout: float = 180.0, port: int | None = None) -> UnleashServer:
        """Install (if needed) and start; raises :class:`Unavailable` with the reason when it cannot."""
        t0 = time.monotonic()
        node = _local_server.node_binary(Unavailable)
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
            url = f"http://127.0.0.1:{port}"

            def ready() -> bool:
                return (
                    _get(url + "/health", timeout=2.0)[0] == 200
                    and _get(url + "/api/admin/projects", {"Authorization": api_token})[0] == 200
                )

            proc = _local_server.spawn_until_ready(
                [node, str(entry)],
                cwd=entry.parent,
                env=env,
                log_file=root / "unleash.log",
                ready=ready,
                timeout=timeout,
                what="unleash-server",
                unavailable=Unavailable,
                poll=0.25,
            )
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

    def _stopped(self) -> None:
        self._pg.stop()


def _check_postgres() -> None:
    _pg_bin("initdb")


def main(argv: Sequence[str] | None = None) -> int:
    def serve(args: argparse.Namespace) -> None:
        _local_server.serve_in_foreground(
            lambda: UnleashServer.start(cache=args.cache, version=args.version, port=args.port, timeout=args.timeout),
            _log,
            "Unleash and PostgreSQL",
        )
        _log("stopped")

    return _local_server.command_line(
        argv,
        doc=__doc__,
        package="unleash-server",
        version=VERSION,
        cache=CACHE,
        install=install,
        check=_check_postgres,
        serve=serve,
        unavailable=Unavailable,
        name="unleash_server",
        extra=lambda parser: parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for /health"),
    )


if __name__ == "__main__":
    sys.exit(main())
