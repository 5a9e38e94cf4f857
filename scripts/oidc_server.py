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
from typing import Any

if str(Path(__file__).resolve().parent) not in sys.path:  # run directly, or loaded by path from a test
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import _local_server  # the helpers shared with the other live-server script
from _local_server import free_port as _free_port
from _local_server import terminate as _terminate

VERSION = os.environ.get("ANYTOKEN_OIDC_VERSION", "9.13.3")
CACHE = Path(os.environ.get("ANYTOKEN_OIDC_CACHE", Path.home() / ".cache" / "anytoken" / "oidc-provider"))
SERVER_JS = Path(__file__).resolve().with_name("oidc_server.mjs")
#: the scopes the resource server grants, one more that exists but no client may have, and the resource
SCOPES = ("api:read", "api:write")
FORBIDDEN_SCOPE = "api:admin"
RESOURCE = "https://api.anytoken.test"


class Unavailable(_local_server.Unavailable):
    """A real oidc-provider cannot be started here (no node/npm, install or start failure)."""


_log = _local_server.log_to_stderr("oidc_server")


PACKAGE = _local_server.NpmPackage("oidc-provider", "lib/index.js", {"name": "anytoken-oidc-runtime", "private": True, "type": "module"})


def install(cache: Path = CACHE, version: str = VERSION, timeout: float = 600.0) -> Path:
    """``npm install oidc-provider@VERSION`` into ``cache/VERSION`` unless it is already there."""
    return PACKAGE.install(cache, version, timeout=timeout, log=_log, unavailable=Unavailable)


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


class OidcServer(_local_server.LocalServer):
    """A running oidc-provider. ``issuer``; ``clients``: auth method -> {client_id, client_secret | private_key,
    key_id}; ``scopes``, ``forbidden_scope``, ``resource``. Stop with :meth:`stop`."""

    def __init__(self, issuer: str, clients: dict[str, dict[str, str]], root: Path, proc: subprocess.Popen[bytes]) -> None:
        self.issuer = issuer
        self.clients = clients
        self.scopes = SCOPES
        self.forbidden_scope = FORBIDDEN_SCOPE
        self.resource = RESOURCE
        super().__init__(root, proc)

    @classmethod
    def start(cls, *, cache: Path = CACHE, version: str = VERSION, timeout: float = 60.0, port: int | None = None) -> OidcServer:
        """Install (if needed) and start; raises :class:`Unavailable` with the reason when it cannot."""
        t0 = time.monotonic()
        node = _local_server.node_binary(Unavailable)
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

            def ready() -> bool:
                with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=2.0) as resp:
                    return resp.status == 200 and bool(json.loads(resp.read()).get("issuer") == issuer)

            proc = _local_server.spawn_until_ready(
                [node, str(SERVER_JS)],
                env=env,
                log_file=root / "oidc.log",
                ready=ready,
                timeout=timeout,
                what="oidc-provider",
                unavailable=Unavailable,
            )
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


def main(argv: Sequence[str] | None = None) -> int:
    def serve(args: argparse.Namespace) -> None:
        _local_server.serve_in_foreground(lambda: OidcServer.start(cache=args.cache, version=args.version, port=args.port), _log, "it")

    return _local_server.command_line(
        argv,
        doc=__doc__,
        package="oidc-provider",
        version=VERSION,
        cache=CACHE,
        install=install,
        check=lambda: None,
        serve=serve,
        unavailable=Unavailable,
        name="oidc_server",
    )


if __name__ == "__main__":
    sys.exit(main())
