"""``ANYTOKEN_REQUIRE``: CI fails, rather than skips, when an area it must cover cannot be set up (issue 10).

The mechanism on synthetic tests (an inner pytest run in a subprocess, the ``anytoken`` pytest plugin loaded
from its entry point as in any run), then on the repository's own skips: Redis with a missing redis-server
binary, the real Unleash with ``ANYTOKEN_SKIP_UNLEASH=1``, a missing upstream spec. Also the loud CI report of
``scripts/bootstrap.py`` when an apt install fails.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from anytoken.devkit.required_areas import ENV_VAR, require, required_areas
from anytoken.devkit.spec_testing import load_spec, upstream_spec_path

ROOT = Path(__file__).resolve().parents[2]

SYNTHETIC = """
import pytest
from anytoken.devkit.required_areas import require

def test_redis_via_require():
    require("redis", "no redis-server here")

@pytest.mark.redis
def test_redis_marked_bare_skip():
    pytest.skip("someone skipped by hand")

@pytest.mark.redis
def test_redis_marked_passes():
    pass

@pytest.mark.redis
@pytest.mark.xfail(reason="known", strict=True)
def test_redis_marked_xfail():
    raise AssertionError

def test_a_new_area():
    require("oauth2", "no oauth2 server here")

@pytest.fixture(scope="module")
def unleash():
    require("unleash", "no Unleash here")

def test_unleash_fixture_one(unleash):
    pass

def test_unleash_fixture_two(unleash):
    pass
"""


def pytest_run(cwd: Path, *args: str, require_areas: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in (ENV_VAR, "PYTEST_ADDOPTS")}
    if require_areas is not None:
        environ[ENV_VAR] = require_areas
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-rfEs", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
    )


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    redis: needs redis\n    unleash: needs unleash\n")
    (tmp_path / "test_synthetic.py").write_text(textwrap.dedent(SYNTHETIC))
    return tmp_path


def outcomes(run: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """test name -> PASSED/FAILED/SKIPPED/ERROR/XFAIL, from the verbose progress lines."""
    out: dict[str, str] = {}
    for line in run.stdout.splitlines():
        words = line.split()
        if len(words) >= 2 and "::" in words[0] and words[1] in {"PASSED", "FAILED", "SKIPPED", "ERROR", "XFAIL"}:
            name = words[0].split("::", 1)[1]
            out[name] = "ERROR" if "ERROR" in (out.get(name), words[1]) else words[1]
    return out


def test_without_the_variable_the_areas_skip(synthetic: Path) -> None:
    run = pytest_run(synthetic)
    assert run.returncode == 0, run.stdout + run.stderr
    got = outcomes(run)
    assert got["test_redis_via_require"] == "SKIPPED" and got["test_redis_marked_bare_skip"] == "SKIPPED"
    assert got["test_a_new_area"] == "SKIPPED" and got["test_unleash_fixture_one"] == "SKIPPED"
    assert "ANYTOKEN_REQUIRE=redis turns this skip into a failure" in run.stdout
    assert "ANYTOKEN_REQUIRE:" not in run.stdout  # no summary line when nothing is required


def test_required_areas_fail_instead_of_skipping(synthetic: Path) -> None:
    run = pytest_run(synthetic, require_areas="redis,unleash")
    assert run.returncode == 1, run.stdout + run.stderr
    got = outcomes(run)
    assert got["test_redis_via_require"] == "FAILED"
    assert got["test_redis_marked_bare_skip"] == "FAILED"  # a bare skip of a marked test cannot hide the area
    assert got["test_redis_marked_passes"] == "PASSED" and got["test_redis_marked_xfail"] == "XFAIL"
    assert got["test_unleash_fixture_one"] == "ERROR" and got["test_unleash_fixture_two"] == "ERROR"
    assert got["test_a_new_area"] == "SKIPPED"  # not required
    assert "ANYTOKEN_REQUIRE includes 'redis', but it is not available here: no redis-server here" in run.stdout
    assert "ANYTOKEN_REQUIRE includes redis, but this test of that area skipped: someone skipped by hand" in run.stdout
    assert (
        "ANYTOKEN_REQUIRE: redis (3 marked tests, 2 failed as unavailable), unleash (0 marked tests, 2 failed as unavailable)" in run.stdout
    )


def test_any_area_name_works_without_registration(synthetic: Path) -> None:
    run = pytest_run(synthetic, "-k", "new_area", require_areas=" OAuth2 ")
    assert run.returncode == 1 and outcomes(run) == {"test_a_new_area": "FAILED"}, run.stdout


def test_required_areas_parsing_and_names() -> None:
    assert required_areas({ENV_VAR: " Redis, ,unleash,upstream-specs,"}) == {"redis", "unleash", "upstream-specs"}
    assert required_areas({}) == frozenset()
    with pytest.raises(ValueError, match="area names"):
        require("not an area", "why")


# -- the repository's own areas ----------------------------------------------------------------------------


def test_redis_tests_fail_in_ci_when_redis_server_is_unavailable(tmp_path: Path) -> None:
    """What `.ci/run` does when redis-server is missing: the Redis tests go red (here one of them)."""
    target = "tests/cache/test_cache_redis.py::test_serialised_token_round_trips"
    missing = str(tmp_path / "no-such-dir" / "redis-server")
    red = pytest_run(ROOT, target, require_areas="unleash,redis,upstream-specs", CI="true", ANYTOKEN_REDIS_SERVER=missing)
    assert red.returncode == 1, red.stdout + red.stderr
    assert "ERROR" in outcomes(red).values() and "redis-server is not installed" in red.stdout
    skipped = pytest_run(ROOT, target, require_areas="", ANYTOKEN_REDIS_SERVER=missing)
    assert skipped.returncode == 0 and set(outcomes(skipped).values()) == {"SKIPPED"}, skipped.stdout


def test_real_unleash_tests_fail_when_required_but_disabled() -> None:
    target = "plugins/anytoken-unleash/tests/test_unleash_live.py::test_cli_backend_token_is_accepted_by_the_server"
    red = pytest_run(ROOT, target, require_areas="unleash", ANYTOKEN_SKIP_UNLEASH="1")
    assert red.returncode == 1 and "ANYTOKEN_REQUIRE includes 'unleash'" in red.stdout, red.stdout + red.stderr


def test_a_missing_upstream_spec_fails_when_required(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    absent = upstream_spec_path("no-such-provider-openapi.yml")
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(pytest.skip.Exception, match="spec not found"):
        load_spec(absent)
    monkeypatch.setenv(ENV_VAR, "upstream-specs")
    with pytest.raises(pytest.fail.Exception, match="'upstream-specs', but it is not available here: spec not found"):
        load_spec(absent)
    with pytest.raises(pytest.skip.Exception):  # a spec that is not an upstream one is no such area
        load_spec(tmp_path / "missing.yml")


def test_pipeline_upstream_helper_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline_support = _load(ROOT / "tests" / "pipeline" / "pipeline_support.py")
    monkeypatch.setenv(ENV_VAR, "upstream-specs")
    with pytest.raises(pytest.fail.Exception, match=r"upstream spec .* is not available"):
        pipeline_support.upstream("no-such-spec.yml")


# -- scripts/bootstrap.py: a failed apt install in CI is loud ------------------------------------------------


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"anytoken_under_test_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bootstrap_reports_a_failed_apt_install_loudly_in_ci(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ANYTOKEN_REDIS_SERVER", raising=False)  # (a CI run proving the redis area may set it)
    bootstrap = _load(ROOT / "scripts" / "bootstrap.py")
    monkeypatch.setattr(bootstrap, "CI", True)
    monkeypatch.setattr(bootstrap.os, "geteuid", lambda: 0)
    monkeypatch.setattr(bootstrap.shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None)
    calls: list[list[str]] = []

    def apt_get(cmd: list[str], **kwargs: object) -> int:
        calls.append(cmd)
        return 100 if "install" in cmd else 0

    monkeypatch.setattr(bootstrap.subprocess, "call", apt_get)
    assert bootstrap.apt_install("redis-server") is False
    assert [c[1] for c in calls] == ["update", "install"]
    bootstrap.ensure_redis()
    err = capsys.readouterr().err
    assert "ERROR (CI=true): `apt-get install -y -qq redis-server` failed with exit code 100" in err
    assert "ERROR (CI=true): redis-server is not available" in err
    assert bootstrap.report_setup_failures() == 1
    banner = capsys.readouterr().err
    assert "CI SETUP FAILED" in banner and banner.count("exit code 100") == 2


def test_bootstrap_only_notes_it_outside_ci(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bootstrap = _load(ROOT / "scripts" / "bootstrap.py")
    monkeypatch.setattr(bootstrap, "CI", False)
    monkeypatch.setattr(bootstrap.os, "geteuid", lambda: 1000)
    assert bootstrap.apt_install("redis-server") is False
    out = capsys.readouterr()
    assert "cannot install redis-server" in out.out and out.err == ""
    assert bootstrap.report_setup_failures() == 0


def test_bootstrap_a_required_area_is_loud_even_outside_ci(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bootstrap = _load(ROOT / "scripts" / "bootstrap.py")
    monkeypatch.setattr(bootstrap, "CI", False)
    monkeypatch.setenv(ENV_VAR, "redis, Upstream-Specs")
    assert bootstrap.required("upstream-specs") and not bootstrap.required("unleash")
    bootstrap.setup_failed("the drift check cannot run", area="upstream-specs")
    bootstrap.setup_failed("a local note", area="unleash")
    out = capsys.readouterr()
    assert "ERROR (ANYTOKEN_REQUIRE names upstream-specs): the drift check cannot run" in out.err
    assert "a local note" in out.out and "a local note" not in out.err
    assert bootstrap.report_setup_failures() == 1 and bootstrap.report_setup_failures() == 0


def test_a_marker_with_underscores_marks_a_hyphenated_area(tmp_path: Path) -> None:
    """Marker names are identifiers: ``@pytest.mark.upstream_specs`` marks the area ``upstream-specs``."""
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    upstream_specs: reads the upstream specs\n")
    (tmp_path / "test_marked.py").write_text(
        "import pytest\n\n@pytest.mark.upstream_specs\ndef test_spec_skipped():\n    pytest.skip('spec gone')\n"
    )
    run = pytest_run(tmp_path, require_areas="upstream-specs")
    assert run.returncode == 1 and outcomes(run) == {"test_spec_skipped": "FAILED"}, run.stdout
    assert "upstream-specs (1 marked tests, 1 failed as unavailable)" in run.stdout
    assert pytest_run(tmp_path).returncode == 0  # not required: the skip stays a skip
