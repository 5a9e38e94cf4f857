#!/usr/bin/env python3
"""Run a real OAuth 2.0 / OpenID Connect authorization server (node's ``oidc-provider``) on 127.0.0.1.

::

    python scripts/oidc_server.py            # install if missing, start, print the env, wait for Ctrl-C
    python scripts/oidc_server.py install    # only install oidc-provider into the cache
    python scripts/oidc_server.py check      # say whether a server could be started here (exit 0/1)

Installs ``oidc-provider`` (OpenID Certified, by panva) with npm into ``~/.cache/anytoken/oidc-provider``
(``ANYTOKEN_OIDC_CACHE``; idempotent), then runs ``scripts/oidc_server.mjs`` with client credentials,
introspection, revocation and resource indicators enabled, and three confidential clients with fresh
secrets / a fresh RSA key: one per token endpoint auth method (``client_secret_basic``,
``client_secret_post``, ``private_key_jwt``, the last registered with the public key as its ``jwks``). It
waits for the discovery document and prints::

    OAUTH2_ISSUER=http://127.0.0.1:PORT
    OAUTH2_CLIENT_ID=basic-client
    OAUTH2_CLIENT_SECRET=<hex>

Everything is removed on exit. Tests use :class:`OidcServer` directly (``with OidcServer.start() as s:``);
:class:`Unavailable` says why a server cannot run here.
"""

from __future__ import annotations

import argparse
import contextlib
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
from typing import Any

VERSION = os.environ.get("ANYTOKEN_OIDC_VERSION", "9.13.3")
CACHE = Path(os.environ.get("ANYTOKEN_OIDC_CACHE", Path.home() / ".cache" / "anytoken" / "oidc-provider"))
SERVER_JS = Path(__file__).resolve().with_name("oidc_server.mjs")
#: the scopes the resource server grants, one more that exists but no client may have, and the resource
SCOPES = ("api:read", "api:write")
FORBIDDEN_SCOPE = "api:admin"
RESOURCE = "https://api.anytoken.test"


class Unavailable(RuntimeError):
    """A real oidc-provider cannot be started here (no node/npm, install or start failure)."""


def _log(msg: str) -> None:
    print(f"[oidc_server] {msg}", file=sys.stderr, flush=True)


def entry(cache: Path = CACHE, version: str = VERSION) -> Path:
    return cache / version / "node_modules" / "oidc-provider" / "lib" / "index.js"


def installed_version(cache: Path = CACHE, version: str = VERSION) -> str | None:
    try:
        return str(json.loads((cache / version / "node_modules" / "oidc-provider" / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def install(cache: Path = CACHE, version: str = VERSION, timeout: float = 600.0) -> Path:
    """``npm install oidc-provider@VERSION`` into ``cache/VERSION`` unless it is already there."""
    if installed_version(cache, version) == version and entry(cache, version).exists():
        return entry(cache, version)
    npm = shutil.which("npm")
    if not shutil.which("node") or not npm:
        raise Unavailable("node and npm are needed to install oidc-provider (apt-get install nodejs npm)")
    target = cache / version
    target.mkdir(parents=True, exist_ok=True)
    manifest = target / "package.json"
    if not manifest.exists():
        manifest.write_text(json.dumps({"name": "anytoken-oidc-runtime", "private": True, "type": "module"}) + "\n")
    _log(f"installing oidc-provider@{version} into {target} (once; ~30 s)")
    try:
        proc = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--omit=dev", "--loglevel=error", f"oidc-provider@{version}"],
            cwd=target,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise Unavailable(f"npm install oidc-provider@{version} took longer than {timeout:.0f} s") from None
    if proc.returncode != 0 or installed_version(cache, version) != version:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise Unavailable(f"npm install oidc-provider@{version} failed: {' | '.join(tail)}")
    return entry(cache, version)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rsa_key() -> tuple[str, dict[str, Any]]:
    """A fresh RSA key: (private PEM, public JWK with kid)."""
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="anytoken-test-key", use="sig", alg="RS256")
    return pem, jwk


class OidcServer:
    """A running oidc-provider. ``issuer``; ``clients``: auth method -> {client_id, client_secret | private_key,
    key_id}; ``scopes``, ``forbidden_scope``, ``resource``. Stop with :meth:`stop`."""

    def __init__(self, issuer: str, clients: dict[str, dict[str, str]], root: Path, proc: subprocess.Popen[bytes]) -> None:
        self.issuer = issuer
        self.clients = clients
        self.scopes = SCOPES
        self.forbidden_scope = FORBIDDEN_SCOPE
        self.resource = RESOURCE
        self.root = root
        self._proc = proc
        self.startup_seconds = 0.0

    @classmethod
    def start(cls, *, cache: Path = CACHE, version: str = VERSION, timeout: float = 60.0, port: int | None = None) -> OidcServer:
        """Install (if needed) and start; raises :class:`Unavailable` with the reason when it cannot."""
        t0 = time.monotonic()
        node = shutil.which("node")
        if not node:
            raise Unavailable("node is not installed (apt-get install nodejs npm)")
        lib = install(cache, version)
        port = port or _free_port()
        issuer = f"http://127.0.0.1:{port}"
        pem, jwk = _rsa_key()
        clients = {
            "client_secret_basic": {"client_id": "basic-client", "client_secret": secrets.token_hex(24) + ":+/%"},
            "client_secret_post": {"client_id": "post-client", "client_secret": secrets.token_hex(24)},
            "private_key_jwt": {"client_id": "jwt-client", "private_key": pem, "key_id": jwk["kid"]},
        }
        registered = [
            {
                "client_id": c["client_id"],
                **({"client_secret": c["client_secret"]} if "client_secret" in c else {"jwks": {"keys": [jwk]}}),
                "token_endpoint_auth_method": method,
                "grant_types": ["client_credentials"],
                "response_types": [],
                "redirect_uris": [],
                "scope": " ".join(SCOPES),
            }
            for method, c in clients.items()
        ]
        config = {
            "issuer": issuer,
            "port": port,
            "clients": registered,
            "scopes": list(SCOPES),
            "forbidden_scopes": [FORBIDDEN_SCOPE],
            "resource": RESOURCE,
        }
        root = Path(tempfile.mkdtemp(prefix="anytoken-oidc-"))
        env = {**os.environ, "OIDC_PROVIDER_ENTRY": lib.as_uri(), "OIDC_CONFIG": json.dumps(config), "NODE_ENV": "production"}
        proc: subprocess.Popen[bytes] | None = None
        try:
            with open(root / "oidc.log", "wb") as log:  # the child keeps its own descriptor
                proc = subprocess.Popen([node, str(SERVER_JS)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    tail = (root / "oidc.log").read_text(errors="replace")[-600:]
                    raise Unavailable(f"oidc-provider exited with {proc.returncode}: {tail}")
                with (
                    contextlib.suppress(OSError),
                    urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=2.0) as resp,
                ):
                    if resp.status == 200 and json.loads(resp.read()).get("issuer") == issuer:
                        break
                if time.monotonic() > deadline:
                    raise Unavailable(f"oidc-provider did not answer its discovery document within {timeout:.0f} s")
                time.sleep(0.1)
            server = cls(issuer, clients, root, proc)
            server.startup_seconds = time.monotonic() - t0
            return server
        except BaseException:
            if proc is not None:
                _terminate(proc)
            shutil.rmtree(root, ignore_errors=True)
            raise

    def metadata(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.issuer + "/.well-known/openid-configuration", timeout=5.0) as resp:
            return dict(json.loads(resp.read()))

    def introspect(self, token: str) -> dict[str, Any]:
        """RFC 7662 introspection of ``token``, authenticated as the client_secret_post client."""
        import urllib.parse

        c = self.clients["client_secret_post"]
        data = urllib.parse.urlencode({"token": token, "client_id": c["client_id"], "client_secret": c["client_secret"]}).encode()
        req = urllib.request.Request(self.metadata()["introspection_endpoint"], data=data, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=5.0) as resp:
                return dict(json.loads(resp.read()))
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"introspection failed with HTTP {exc.code}: {exc.read()[:200]!r}") from None

    def env(self) -> dict[str, str]:
        c = self.clients["client_secret_basic"]
        return {"OAUTH2_ISSUER": self.issuer, "OAUTH2_CLIENT_ID": c["client_id"], "OAUTH2_CLIENT_SECRET": c["client_secret"]}

    def stop(self) -> None:
        _terminate(self._proc)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> OidcServer:
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
def running(**kwargs: Any) -> Iterator[OidcServer]:
    server = OidcServer.start(**kwargs)
    try:
        yield server
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("command", nargs="?", default="run", choices=["run", "install", "check"])
    parser.add_argument("--version", default=VERSION, help=f"oidc-provider version (default {VERSION})")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"npm install location (default {CACHE})")
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default: a free one)")
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            print(install(args.cache, args.version))
            return 0
        if args.command == "check":
            if not shutil.which("node") or not shutil.which("npm"):
                raise Unavailable("node/npm missing")
            print("ok")
            return 0
        stop = False

        def on_signal(signum: int, frame: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        with running(cache=args.cache, version=args.version, port=args.port) as server:
            for name, value in server.env().items():
                print(f"{name}={value}", flush=True)
            _log(f"ready in {server.startup_seconds:.1f} s; Ctrl-C (or SIGTERM) stops it")
            while not stop:
                time.sleep(0.2)
        return 0
    except Unavailable as exc:
        print(f"oidc_server: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
