"""Against a real Unleash 8.2.0 (``scripts/unleash_server.py``): the CLI mints tokens the server accepts, and
the sandbox answers what the server answers.

Needs node + npm and PostgreSQL (``initdb``/``pg_ctl``); skipped with the reason when a server cannot be
started here, or when ``ANYTOKEN_SKIP_UNLEASH=1`` (failed instead when ``ANYTOKEN_REQUIRE`` names ``unleash``). The first run installs unleash-server into
``~/.cache/anytoken/unleash`` (about 40 s); later runs start Unleash + PostgreSQL in about 5 s.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from anytoken_unleash import sandbox as unleash_sandbox

import anytoken
from anytoken.devkit.fixtures import real_server
from anytoken.devkit.required_areas import require
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.testing import assert_no_secret
from anytoken.errors import AuthenticationError, NotFoundError, ProviderRejectedError

pytestmark = pytest.mark.unleash

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "unleash_server.py"
HEX56 = "[0-9a-f]{56}"


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with real_server("unleash", SCRIPT, "UnleashServer", skip_env="ANYTOKEN_SKIP_UNLEASH", timeout=150) as srv:
        yield srv


def _cli(server: Any, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNLEASH_")}
    env.update(UNLEASH_URL=server.url, UNLEASH_API_TOKEN=token or server.api_token)
    return subprocess.run(
        [sys.executable, "-m", "anytoken", "create", "unleash", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_cli_backend_token_is_accepted_by_the_server(server: Any) -> None:
    out = _cli(server, "--type", "backend")
    assert out.returncode == 0, out.stderr
    secret = out.stdout.strip()
    assert re.fullmatch(rf"\*:development\.{HEX56}", secret)
    r = httpx.get(server.url + "/api/client/features", headers={"Authorization": secret})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert httpx.get(server.url + "/api/client/features", headers={"Authorization": "*:development.nope"}).status_code == 401


def test_cli_frontend_token_is_accepted_on_the_frontend_api(server: Any) -> None:
    out = _cli(server, "--type", "frontend", "--json")
    assert out.returncode == 0, out.stderr
    token = json.loads(out.stdout)
    assert token["kind"] == "frontend" and token["metadata"]["type"] == "frontend"
    r = httpx.get(server.url + "/api/frontend", headers={"Authorization": token["value"]})
    assert r.status_code == 200 and "toggles" in r.json()
    assert httpx.get(server.url + "/api/client/features", headers={"Authorization": token["value"]}).status_code == 403


def test_cli_documented_example(server: Any) -> None:
    out = _cli(server, "--type", "backend", "--environment", "production", "--projects", "default")
    assert out.returncode == 0, out.stderr
    secret = out.stdout.strip()
    assert re.fullmatch(rf"default:production\.{HEX56}", secret)
    r = httpx.get(server.url + "/api/client/features", headers={"Authorization": secret})
    assert r.status_code == 200
    assert r.json()["query"]["project"] == ["default"] and r.json()["query"]["environment"] == "production"


def test_api_kinds_and_errors(server: Any) -> None:
    with anytoken.Client(base_urls={"unleash": server.url}, credentials={"unleash": server.api_token}, env={}) as client:
        scoped = client.create_token("unleash", kind="frontend", project="default", expires_at="2031-01-01T00:00:00Z")
        assert scoped.value.startswith("default:development.") and scoped.expires_at is not None
        with pytest.raises(NotFoundError, match="'no-such-project'"):
            client.create_token("unleash", project="no-such-project")
        with pytest.raises(ProviderRejectedError, match="Environment=staging does not exist"):
            client.create_token("unleash", environment="staging")
        with pytest.raises(AuthenticationError, match="personal access token") as caught:
            client.create_token("unleash", kind="personal")
        assert caught.value.status == 403
        assert_no_secret(caught.value, server.api_token)
        if server.pat is None:
            require("unleash", "the server script could not create a personal access token")
        pat = client.create_token("unleash", kind="personal", credentials=server.pat)
        assert re.fullmatch(rf"user:{HEX56}", pat.value) and pat.id and pat.expires_at is not None
        via_pat = client.create_token("unleash", credentials=pat.value)
        assert via_pat.value.startswith("*:development.")


#: raw requests sent to both the real server and the sandbox: (method, path, auth, body)
_PROBES: list[tuple[str, str, str | None, Any]] = [
    ("POST", "/api/admin/api-tokens", "admin", {"tokenName": "t", "type": "backend", "environment": "development", "projects": ["*"]}),
    (
        "POST",
        "/api/admin/api-tokens",
        "admin",
        {"tokenName": "t", "type": "frontend", "projects": ["default"], "expiresAt": "2031-05-01T10:00:00+02:00"},
    ),
    ("POST", "/api/admin/api-tokens", "admin", {"tokenName": "t", "type": "CLIENT"}),
    ("POST", "/api/admin/api-tokens", "admin", {"tokenName": "t", "type": "admin"}),
    ("POST", "/api/admin/api-tokens", "admin", {"type": "backend", "projects": "default"}),
    ("POST", "/api/admin/api-tokens", "admin", {"tokenName": "", "type": "backend"}),
    ("POST", "/api/admin/api-tokens", "admin", {"tokenName": "t", "type": "backend", "projects": []}),
    ("POST", "/api/admin/api-tokens", "admin", {"tokenName": "t", "type": "backend", "environment": "staging", "projects": ["nope"]}),
    ("POST", "/api/admin/api-tokens", "admin", {"tokenName": "t", "type": "backend", "projects": ["nope"]}),
    ("POST", "/api/admin/api-tokens", "admin", {"tokenName": "t", "type": "backend", "expiresAt": "soon"}),
    ("POST", "/api/admin/api-tokens", "admin", []),
    ("POST", "/api/admin/api-tokens", None, {"tokenName": "t", "type": "backend"}),
    ("POST", "/api/admin/api-tokens", "wrong", {"tokenName": "t", "type": "backend"}),
    ("POST", "/api/admin/api-tokens", "pat", {"tokenName": "t", "type": "backend"}),
    ("POST", "/api/admin/projects/default/api-tokens", "admin", {"tokenName": "t", "type": "backend", "environment": "production"}),
    ("POST", "/api/admin/projects/nope/api-tokens", "admin", {"tokenName": "t", "type": "backend"}),
    ("POST", "/api/admin/projects/nope/api-tokens", "admin", {"tokenName": "t", "type": "admin"}),
    ("POST", "/api/admin/user/tokens", "admin", {"description": "d", "expiresAt": "2031-01-01T00:00:00Z"}),
    ("POST", "/api/admin/user/tokens", "pat", {"description": "probe", "expiresAt": "2031-01-01T00:00:00Z"}),
    ("POST", "/api/admin/user/tokens", "pat", {"description": "probe", "expiresAt": "2031-01-01T00:00:00Z"}),
    ("POST", "/api/admin/user/tokens", "pat", {"description": "e", "expiresAt": "2001-01-01T00:00:00Z"}),
    ("POST", "/api/admin/user/tokens", "pat", {"description": "e"}),
    ("POST", "/api/admin/user/tokens", "pat", {"description": "", "expiresAt": "2031-01-01T00:00:00Z"}),
    ("GET", "/api/client/features", "backend", None),
    ("GET", "/api/client/features", "frontend", None),
    ("GET", "/api/client/features", None, None),
    ("GET", "/api/frontend", "frontend", None),
    ("GET", "/api/frontend", "backend", None),
    ("GET", "/health", None, None),
]


def _shape(value: Any) -> Any:
    """What must agree: keys in order, literal values except secrets, ids and timestamps."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k in {"id", "createdAt", "etag", "queryHash"}:
                out[k] = type(v).__name__
            elif k == "secret" and isinstance(v, str):
                out[k] = re.sub(r"[0-9a-f]{56}$", "<hex>", v)
            else:
                out[k] = _shape(v)
        return out
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return value


def _run_probes(base: str, creds: dict[str, str]) -> list[tuple[int, str | None, Any]]:
    results: list[tuple[int, str | None, Any]] = []
    with httpx.Client(base_url=base) as http:
        admin = {"Authorization": creds["admin"]}
        creds["backend"] = http.post("/api/admin/api-tokens", json={"tokenName": "b", "type": "backend"}, headers=admin).json()["secret"]
        creds["frontend"] = http.post("/api/admin/api-tokens", json={"tokenName": "f", "type": "frontend"}, headers=admin).json()["secret"]
        for method, path, auth, body in _PROBES:
            headers = {"Authorization": creds[auth]} if auth else {}
            r = http.request(method, path, json=body, headers=headers) if body is not None else http.request(method, path, headers=headers)
            results.append((r.status_code, r.headers.get("location"), _shape(r.json())))
    return results


def test_the_sandbox_answers_what_the_server_answers(server: Any) -> None:
    if server.pat is None:
        require("unleash", "the server script could not create a personal access token")
    real = _run_probes(server.url, {"admin": server.api_token, "pat": server.pat, "wrong": "user:" + "0" * 56})
    with Sandbox([unleash_sandbox.sandbox_provider()]) as sb:
        emulated = _run_probes(
            sb.base_url("unleash"), {"admin": unleash_sandbox.ADMIN_API_TOKEN, "pat": unleash_sandbox.PAT, "wrong": "user:" + "0" * 56}
        )
    mismatches = [
        f"{probe[0]} {probe[1]} auth={probe[2]} body={probe[3]!r}:\n  sandbox {got!r}\n  server  {want!r}"
        for probe, got, want in zip(_PROBES, emulated, real, strict=True)
        if got != want
    ]
    assert not mismatches, "\n".join(mismatches)


def test_revocation_on_the_real_server(server: Any, tmp_path: Path) -> None:
    """Revoked API tokens leave the server's list at once and its client API answers 401 for them: the server
    keeps a cache of valid secrets and refreshes it periodically, so the 401 comes within about a minute. The
    CLI pipe (`anytoken create unleash --json | anytoken revoke -`) and a project-scoped token are among them;
    a PAT is deleted with its owner's PAT."""
    import time

    admin = {"Authorization": server.api_token}
    with anytoken.Client(base_urls={"unleash": server.url}, credentials={"unleash": server.api_token}) as client:
        plain = client.create_token("unleash", kind="backend")
        scoped = client.create_token("unleash", kind="backend", project="default")
        env = {k: v for k, v in os.environ.items() if not k.startswith("UNLEASH_")}
        env.update(UNLEASH_URL=server.url, UNLEASH_API_TOKEN=server.api_token, ANYTOKEN_CACHE_DIR=str(tmp_path / "c"))
        env.update(ANYTOKEN_CONFIG_DIR=str(tmp_path / "k"), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
        piped = subprocess.run(
            f"{sys.executable} -m anytoken create unleash --type backend --json | {sys.executable} -m anytoken revoke -",
            shell=True,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert piped.returncode == 0, piped.stderr
        assert piped.stdout.startswith("revoked unleash/backend token ")
        for token in (plain, scoped):
            assert httpx.get(server.url + "/api/client/features", headers={"Authorization": token.value}).status_code == 200
            client.revoke_token(token)
        listed = {t["secret"] for t in httpx.get(server.url + "/api/admin/api-tokens", headers=admin).json()["tokens"]}
        assert plain.value not in listed and scoped.value not in listed
        if server.pat:
            pat = client.create_token("unleash", kind="personal", credentials=server.pat)
            with pytest.raises(anytoken.errors.InvalidParameterError, match="owner's personal access token"):
                client.revoke_token(pat)
            client.revoke_token(pat, credentials=server.pat)
            assert httpx.get(server.url + "/api/admin/user/tokens", headers={"Authorization": pat.value}).status_code == 401
    deadline = time.monotonic() + 90
    pending = {plain.value, scoped.value}
    while pending and time.monotonic() < deadline:
        pending = {s for s in pending if httpx.get(server.url + "/api/client/features", headers={"Authorization": s}).status_code != 401}
        if pending:
            time.sleep(2)
    assert not pending, "the client API still accepts a deleted secret after 90 s"
