"""Masked request logs, the ``anytoken sandbox`` command, and the pytest plugin's fixtures."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest
from sandbox_fakes import API_KEY, auth, fake_provider

from anytoken.devkit.sandbox import Fault, Sandbox, main

HERE = Path(__file__).parent
SRC = HERE.parent.parent / "src"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(HERE), env.get("PYTHONPATH", "")])
    return env


def test_logs_are_off_by_default(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="anytoken.devkit.sandbox"):
        httpx.post(f"{sandbox.base_url('fake')}/tokens", json={}, headers=auth())
    assert not caplog.records


def test_logged_requests_mask_secrets(caplog: pytest.LogCaptureFixture) -> None:
    with Sandbox([fake_provider()], log_requests=True) as sb, caplog.at_level(logging.INFO, logger="anytoken.devkit.sandbox"):
        httpx.post(
            f"{sb.base_url('fake')}/tokens?api_key=qs-secret-value&page=2",
            json={"subject": "alice", "apiKey": "body-secret-1", "nested": {"password": "pw-secret-2", "client_secret": "cs-3"}},
            headers={**auth(), "x-api-key": "header-secret-4", "Idempotency-Key": "idem-5"},
        )
        sb.inject("fake", "createToken", Fault.http_status(503), times=1)
        httpx.post(f"{sb.base_url('fake')}/tokens", content=b"not json token=raw-secret-6", headers=auth())
        httpx.get(f"{sb.url}/nowhere", headers=auth())
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) == 3
    for secret in [API_KEY, "qs-secret-value", "body-secret-1", "pw-secret-2", "cs-3", "header-secret-4", "idem-5", "raw-secret-6"]:
        assert secret not in text
    assert "alice" in text and "page=2" in text and "-> 201" in text and "(fault status)" in text and "-> 404" in text


def test_main_unknown_provider_and_no_providers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--provider", "nope"], providers=[fake_provider()]) == 2
    assert "Available: fake" in capsys.readouterr().err
    assert main([], providers=[]) == 1


def test_main_serves_prints_exports_and_stops_on_sigterm() -> None:
    script = textwrap.dedent(
        """
        import sys
        from sandbox_fakes import providers
        from anytoken.devkit.sandbox import main
        sys.exit(main(sys.argv[1:], providers=providers()))
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "--provider", "fake", "--seed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                break
        out = "\n".join(lines)
        assert out.startswith("anytoken sandbox listening on http://127.0.0.1:")
        exports = dict(line[len("export ") :].split("=", 1) for line in lines if line.startswith("export "))
        assert exports["FAKE_API_KEY"] == API_KEY
        assert "OTHER_BASE_URL" not in exports  # limited by --provider
        r = httpx.get(exports["FAKE_BASE_URL"] + "/tokens/tok_seeded")
        assert r.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):  # unclosed pipes are ResourceWarnings (errors here)
            if stream is not None:
                stream.close()


def test_pytest_plugin_fixtures(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent(
            """
            import anytoken.devkit.sandbox._sandbox as engine
            from sandbox_fakes import providers
            engine._registry_providers = providers
            """
        )
    )
    (tmp_path / "test_uses_fixtures.py").write_text(
        textwrap.dedent(
            """
            import os
            import httpx

            def test_sandbox(anytoken_sandbox):
                r = httpx.get(anytoken_sandbox.base_url("fake") + "/tokens/tok_seeded")
                assert r.status_code == 200
                anytoken_sandbox.reset()

            def test_env(anytoken_sandbox_env, anytoken_sandbox):
                assert os.environ["FAKE_BASE_URL"] == anytoken_sandbox.base_url("fake")
                assert anytoken_sandbox_env["OTHER_API_KEY"] == os.environ["OTHER_API_KEY"]

            def test_env_restored():
                assert "FAKE_BASE_URL" not in os.environ
            """
        )
    )
    env = _env()
    env.pop("FAKE_BASE_URL", None)
    from importlib.metadata import entry_points

    installed = any(ep.value == "anytoken_pytest" for ep in entry_points(group="pytest11"))
    load = [] if installed else ["-p", "anytoken_pytest"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *load, "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert "3 passed" in result.stdout, result.stdout + result.stderr
