"""Helpers of the cache tests: a counting fake mint, a provider registered in code, a real redis-server."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anytoken
from anytoken import CredentialField, Param, ProviderInfo, Token, TokenKind, TokenRequest, hookimpl
from anytoken.errors import ProviderUnavailableError
from anytoken.plugins import Registry


def _redis_server() -> str | None:
    """``ANYTOKEN_REDIS_SERVER`` (a path; CI uses a missing one to prove the redis area fails) or the PATH's."""
    override = os.environ.get("ANYTOKEN_REDIS_SERVER")
    if override is not None:
        return override if os.path.isfile(override) and os.access(override, os.X_OK) else None
    return shutil.which("redis-server")


REDIS_SERVER = _redis_server()
NO_REDIS = "redis-server is not installed (Debian: apt-get install -y redis-server)"


def token(value: str = "tok", *, lifetime: float = 3600.0, age: float = 0.0, expires: bool = True) -> Token:
    """A token issued ``age`` seconds ago that lives ``lifetime`` seconds in all."""
    issued = datetime.now(UTC) - timedelta(seconds=age)
    exp = issued + timedelta(seconds=lifetime) if expires else None
    return Token("fake", "session", value, expires_at=exp, issued_at=issued)


class FakeMint:
    """Counts calls; each call returns a new token (``tok-<n>``) shaped by ``lifetime``/``age``.

    ``gate``: an Event every call waits for; ``fail``: raise ProviderUnavailableError instead; ``delay``: sleep.
    """

    def __init__(self, *, lifetime: float = 3600.0, age: float = 0.0, expires: bool = True, delay: float = 0.0) -> None:
        self.lifetime, self.age, self.expires, self.delay = lifetime, age, expires, delay
        self.calls = 0
        self.fail = False
        self.gate: threading.Event | None = None
        self.entered = threading.Event()
        self._lock = threading.Lock()

    def _next(self) -> int:
        with self._lock:
            self.calls += 1
            return self.calls

    def _make(self, n: int) -> Token:
        if self.fail:
            raise ProviderUnavailableError("the provider is down", provider="fake", kind="session", status=503)
        return token(f"tok-{n}", lifetime=self.lifetime, age=self.age, expires=self.expires)

    def __call__(self) -> Token:
        n = self._next()
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(10)
        if self.delay:
            time.sleep(self.delay)
        return self._make(n)

    async def amint(self) -> Token:
        n = self._next()
        self.entered.set()
        if self.gate is not None:
            assert await asyncio.to_thread(self.gate.wait, 10)
        if self.delay:
            await asyncio.sleep(self.delay)
        return self._make(n)


# -- a provider registered in code --------------------------------------------------------------------

CACHY = ProviderInfo(
    name="cachy",
    kinds=(
        TokenKind(
            "session",
            help="short-lived, reusable",
            params=(Param("user", "str", required=True), Param("ttl", "int", default=60)),
            credentials=("api_key",),
        ),
        TokenKind("m2m", help="creates a token resource at the provider", credentials=("api_key",), persistent=True, idempotent=False),
        TokenKind("otp", help="single use", credentials=("api_key",), reusable=False),
    ),
    credentials=(CredentialField("api_key", env=("CACHY_API_KEY",)),),
    base_urls=(("default", "https://cachy.example.com"),),
)


class CachyPlugin:
    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def _mint(self, request: TokenRequest) -> Token:
        with self._lock:
            self.calls += 1
            n = self.calls
        ttl = int(request.params.get("ttl", 60))
        return Token(
            "cachy",
            request.kind,
            f"cachy-{request.kind}-{request.params.get('user', '')}-{n}-{request.credential('api_key')[:3]}",
            expires_at=datetime.now(UTC) + timedelta(seconds=ttl),
        )

    @hookimpl
    def anytoken_providers(self) -> list[ProviderInfo]:
        return [CACHY]

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        return self._mint(request) if request.provider == "cachy" else None

    @hookimpl
    def acreate_token(self, request: TokenRequest) -> Any:
        if request.provider != "cachy":
            return None

        async def run() -> Token:
            await asyncio.sleep(0.01)
            return self._mint(request)

        return run()


CachedClient = anytoken.Client  # the client has get_token built in; the name is kept for the tests


def make_client(plugin: CachyPlugin, **kwargs: Any) -> CachedClient:
    registry = Registry(entry_points=False)
    registry.register(plugin, name="cachy-plugin", distribution="anytoken-cachy")
    kwargs.setdefault("env", {"CACHY_API_KEY": "key-one-123456"})
    return CachedClient(registry=registry, **kwargs)


# -- a real redis-server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """A throwaway redis-server on 127.0.0.1 (no persistence) that tests may stop, restart or pause."""

    def __init__(self, workdir: Path) -> None:
        assert REDIS_SERVER is not None
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)]
        args += ["--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no"]
        args += ["--logfile", str(self.workdir / "redis.log")]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def admin(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port)


def run_threads(n: int, fn: Callable[[], Any], *, barrier: bool = True) -> list[Any]:
    """Run ``fn`` in ``n`` threads that start together; results (or exceptions) in a list."""
    start = threading.Barrier(n) if barrier else None
    out: list[Any] = [None] * n

    def work(i: int) -> None:
        if start is not None:
            start.wait()
        try:
            out[i] = fn()
        except BaseException as exc:
            out[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def env_for_subprocess() -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2] / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, str(Path(__file__).parent), env.get("PYTHONPATH", "")])
    return env
