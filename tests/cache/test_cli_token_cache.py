"""``anytoken token`` / ``anytoken cache`` / ``anytoken revoke -`` as a user runs them: real processes, the sandbox.

The cache and its key go to a temporary directory (``ANYTOKEN_CACHE_DIR`` / ``ANYTOKEN_CONFIG_DIR``); the
keyring is keyring's "fail" backend (a headless machine), so the key file path is the one exercised here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from anytoken.devkit.sandbox import Sandbox

pytest.importorskip("filelock")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=5) as sb:
        yield sb


@pytest.fixture
def env(sandbox: Sandbox, tmp_path: Path) -> dict[str, str]:
    sandbox.reset()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CLERK_", "UNLEASH_", "QUADRATA_", "QRVEY_", "TELNYX_", "ANYTOKEN_"))}
    base.update(sandbox.env())
    base.update(
        ANYTOKEN_CACHE_DIR=str(tmp_path / "cache"),
        ANYTOKEN_CONFIG_DIR=str(tmp_path / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return base


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "anytoken", *args], input=stdin, capture_output=True, text=True, env=env, timeout=60)


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "anytoken", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_token_is_minted_once_and_reused_across_invocations(sandbox: Sandbox, env: dict[str, str]) -> None:
    first = _run(env, "token", "quadrata")
    assert first.returncode == 0, first.stderr
    second = _run(env, "token", "quadrata")
    assert second.stdout == first.stdout and first.stdout.startswith("eyJ")
    assert sandbox.requests("quadrata", "createAccessToken") == 1
    assert _run(env, "create", "quadrata").stdout != first.stdout, "create keeps minting"
    assert sandbox.requests("quadrata", "createAccessToken") == 2


def test_parallel_invocations_mint_once(sandbox: Sandbox, env: dict[str, str]) -> None:
    """Eight shells at once on a cold cache: the file lock makes one of them mint, the others read its token."""
    procs = [_start(env, "token", "quadrata") for _ in range(8)]
    outs = [p.communicate(timeout=90) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    assert len({out for out, _ in outs}) == 1
    assert sandbox.requests("quadrata", "createAccessToken") == 1


def test_listing_an_empty_cache_creates_no_key(env: dict[str, str]) -> None:
    assert "no cached tokens" in _run(env, "cache", "list").stdout
    assert _run(env, "cache", "clear", "quadrata").stdout.strip() == "removed 0 cached tokens of quadrata"
    assert not Path(env["ANYTOKEN_CONFIG_DIR"]).exists()


def test_cache_list_is_masked_and_clear_empties_it(sandbox: Sandbox, env: dict[str, str]) -> None:
    token = _run(env, "token", "quadrata").stdout.strip()
    secret = _run(env, "token", "unleash", "--type", "backend", "--allow-persistent").stdout.strip()
    listing = _run(env, "cache", "list")
    assert listing.returncode == 0, listing.stderr
    assert "quadrata" in listing.stdout and "unleash" in listing.stdout and "fresh" in listing.stdout
    assert token not in listing.stdout and secret not in listing.stdout
    rows = json.loads(_run(env, "cache", "list", "--json").stdout)
    assert {r["provider"] for r in rows} == {"quadrata", "unleash"} and all("…" in r["token"] for r in rows)
    assert _run(env, "cache", "clear", "unleash").stdout.strip() == "removed 1 cached token of unleash"
    assert [r["provider"] for r in json.loads(_run(env, "cache", "list", "--json").stdout)] == ["quadrata"]
    assert _run(env, "cache", "clear").stdout.strip() == "removed 1 cached token"
    assert "no cached tokens" in _run(env, "cache", "list").stdout


def test_create_json_piped_into_revoke(sandbox: Sandbox, env: dict[str, str]) -> None:
    created = _run(env, "create", "unleash", "--type", "backend", "--json")
    doc = json.loads(created.stdout)
    assert doc["value"] in sandbox.state("unleash").store["tokens"]
    out = _run(env, "revoke", "-", stdin=created.stdout)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("revoked unleash/backend token ") and doc["value"] not in out.stdout + out.stderr
    assert doc["value"] not in sandbox.state("unleash").store["tokens"]


def test_revoke_drops_the_cached_copy_so_token_mints_anew(sandbox: Sandbox, env: dict[str, str]) -> None:
    cached = _run(env, "token", "clerk", "--kind", "m2m", "--allow-persistent", "--json")
    assert cached.returncode == 0, cached.stderr
    value = json.loads(cached.stdout)["value"]
    assert _run(env, "revoke", "-", stdin=cached.stdout).returncode == 0
    assert "no cached tokens" in _run(env, "cache", "list").stdout
    fresh = _run(env, "token", "clerk", "--kind", "m2m", "--allow-persistent").stdout.strip()
    assert fresh and fresh != value


def test_a_bare_token_needs_its_provider(sandbox: Sandbox, env: dict[str, str]) -> None:
    secret = _run(env, "create", "unleash").stdout.strip()
    refused = _run(env, "revoke", "-", stdin=secret + "\n")
    assert refused.returncode == 2 and "--provider: is required" in refused.stderr and secret not in refused.stderr
    ok = _run(env, "revoke", "-", "--provider", "unleash", stdin=secret + "\n")
    assert ok.returncode == 0, ok.stderr
    assert secret not in sandbox.state("unleash").store["tokens"]


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (("revoke",), "", "the following arguments are required"),
        (("revoke", "*:development.abcdef0123456789"), "", "the token is read from standard input: pass -"),
        (("revoke", "-"), "", "stdin: is empty"),
        (("revoke", "-"), "{not json", "stdin: is not valid JSON"),
        (("revoke", "-"), '{"provider": "unleash", "kind": "backend", "value": "*:de…(70 chars)"}', "not a masked listing"),
        (("revoke", "-"), "two words", "more than one word"),
        (("revoke", "-", "--provider", "nope"), "sekrit-value-123", "nope"),
        (("token",), None, "the following arguments are required: provider"),
        (("token", "unleash"), None, "pass --allow-persistent to reuse one cached token"),
        (("token", "quadrata", "--environment", "moon"), None, "environment"),
        (("cache",), None, "choose an action"),
        (("cache", "explode"), None, "invalid choice"),
    ],
)
def test_bad_input_is_one_line_with_exit_2(env: dict[str, str], args: tuple[str, ...], stdin: str | None, expected: str) -> None:
    out = _run(env, *args, stdin=stdin)
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert expected in out.stderr and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    for secret in ("*:development.abcdef0123456789", "sekrit-value-123"):
        assert secret not in out.stderr
    assert out.stdout == ""


def test_a_provider_failure_is_exit_1_without_the_secret(sandbox: Sandbox, env: dict[str, str]) -> None:
    doc = {"provider": "clerk", "kind": "m2m", "value": "mt_" + "ab" * 16, "id": "mt_" + "0" * 32}
    out = _run(env, "revoke", "-", stdin=json.dumps(doc))
    assert out.returncode == 1 and "not found" in out.stderr and doc["value"] not in out.stderr


def test_a_key_file_others_can_read_stops_anytoken_token_in_one_line(sandbox: Sandbox, env: dict[str, str]) -> None:
    """Not a warning and a mint that bypasses the cache: the user's file to fix, said as `cache list` says it."""
    config = Path(env["ANYTOKEN_CONFIG_DIR"])
    config.mkdir(mode=0o700)
    (config / "token-cache.key").write_bytes(b"x" * 44)
    (config / "token-cache.key").chmod(0o644)
    done = _run(env, "token", "quadrata")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().count("\n") == 0 and "readable by other users (mode 644): chmod 600" in done.stderr
    assert sandbox.requests("quadrata", "createAccessToken") == 0


def test_clearing_the_tokens_of_an_unknown_provider_says_so(env: dict[str, str]) -> None:
    done = _run(env, "cache", "clear", "quadratta")
    assert done.returncode == 2 and "Did you mean 'quadrata'?" in done.stderr and "Traceback" not in done.stderr
    assert "removed 0 cached tokens of quadrata" in _run(env, "cache", "clear", "quadrata").stdout
