#!/usr/bin/env python3
"""Set up the development environment and run the demo, the tests or the CI checks.

    python3.11 scripts/bootstrap.py demo     # venv + core + built-in plugins, then `anytoken demo`
    python3.11 scripts/bootstrap.py test     # + test tools and redis-server, then pytest
    python3.11 scripts/bootstrap.py checks   # regenerate --check, ruff (lint, format) and mypy --strict
    python3.11 scripts/bootstrap.py ci       # test, then checks

Standard library only. The virtual environment lives in ``.venv`` (``ANYTOKEN_VENV`` overrides); installs are
skipped when nothing that defines them changed since the last run.

On a newcomer's machine a missing redis-server, PostgreSQL or Node.js only makes their tests skip. Under
``CI=true`` a failed install is an error: it is printed on stderr at once and again after pytest, and the
command exits non-zero (``ANYTOKEN_REQUIRE``, set by ``.ci/run``, also turns the skips into failures).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("ANYTOKEN_VENV", ROOT / ".venv"))
BIN = VENV / "bin"
PY = BIN / "python"


CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}
_setup_failures: list[str] = []


def log(message: str) -> None:
    print(f"[bootstrap] {message}", flush=True)


def required(area: str) -> bool:
    """``area`` is named in ``ANYTOKEN_REQUIRE`` (as ``anytoken.devkit.required_areas`` reads it)."""
    return area in {a.strip().lower() for a in os.environ.get("ANYTOKEN_REQUIRE", "").split(",")}


def setup_failed(message: str, *, area: str | None = None) -> None:
    """Something the tests need could not be set up: a note locally, a loud error (and exit 1) in CI or
    when ``area`` is required."""
    if not CI and not (area and required(area)):
        log(message)
        return
    _setup_failures.append(message)
    why = "CI=true" if CI else f"ANYTOKEN_REQUIRE names {area}"
    print(f"[bootstrap] ERROR ({why}): {message}", file=sys.stderr, flush=True)


def report_setup_failures() -> int:
    """Repeat the CI setup failures after the test output (where they would scroll away); 1 if any."""
    if not _setup_failures:
        return 0
    bar = "=" * 78
    lines = [bar, "[bootstrap] CI SETUP FAILED: what the tests must cover could not be set up (exit 1):"]
    lines += [f"[bootstrap]   - {m}" for m in _setup_failures] + [bar]
    print("\n".join(lines), file=sys.stderr, flush=True)
    _setup_failures.clear()  # reported once (`ci` runs test then checks in one process)
    return 1


def run(cmd: Sequence[str | Path], env: dict[str, str] | None = None) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=None if env is None else {**os.environ, **env})


def must(cmd: Sequence[str | Path]) -> None:
    code = run(cmd)
    if code != 0:
        sys.exit(f"[bootstrap] command failed ({code}): {' '.join(map(str, cmd))}")


def local_packages() -> list[Path]:
    gen = sorted(p for p in (ROOT / "generated").glob("*") if (p / "pyproject.toml").exists())
    plugins = sorted(p for p in (ROOT / "plugins").glob("*") if (p / "pyproject.toml").exists())
    return [*gen, ROOT, *plugins]


def stamp_of(files: list[Path]) -> str:
    h = hashlib.sha256(sys.version.encode())
    for f in files:
        h.update(str(f.relative_to(ROOT)).encode())
        if f.exists():
            h.update(f.read_bytes())
    return h.hexdigest()


def ensure_venv() -> None:
    if not PY.exists():
        if sys.version_info[:2] < (3, 11):  # noqa: UP036 - this script may be started by an older python
            sys.exit("anytoken needs Python >= 3.11: run this script with python3.11")
        log(f"creating {VENV}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        must([PY, "-m", "pip", "install", "-q", "--upgrade", "pip"])


def install(with_dev: bool) -> None:
    ensure_venv()
    pkgs = local_packages()
    files = [p / "pyproject.toml" for p in pkgs]
    if with_dev:
        files += [ROOT / "requirements-dev.txt", ROOT / "scripts" / "requirements-generator.txt"]
    stamp_file = VENV / (".anytoken-dev-stamp" if with_dev else ".anytoken-stamp")
    stamp = stamp_of(files)
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        log("environment up to date")
        return
    log("installing anytoken, its generated clients and built-in plugins (editable)")
    cmd: list[str | Path] = [PY, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    for p in pkgs:
        cmd += ["-e", f"{p}[sandbox,fast]" if p == ROOT else p]
    if with_dev:
        cmd += ["-r", ROOT / "requirements-dev.txt"]
    must(cmd)
    stamp_file.write_text(stamp)


def ensure_redis() -> None:
    override = os.environ.get("ANYTOKEN_REDIS_SERVER")  # the binary the Redis tests use (tests/cache/cache_helpers.py)
    if override is not None:
        if not (os.path.isfile(override) and os.access(override, os.X_OK)):
            setup_failed(f"ANYTOKEN_REDIS_SERVER={override} is not an executable: the Redis tests cannot run")
        return
    if shutil.which("redis-server"):
        return
    apt_install("redis-server")
    if not shutil.which("redis-server"):
        setup_failed("redis-server is not available: the Redis tests cannot run (install the redis-server package)")


def apt_install(*packages: str) -> bool:
    """Install Debian packages; False (after saying why) when that was impossible or failed."""
    names = " ".join(packages)
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        setup_failed(f"not root or no apt-get: cannot install {names}; the tests that need them cannot run")
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log(f"installing {names} (Debian packages)")
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        code = subprocess.call(step, env=env, stdout=subprocess.DEVNULL)
        if code != 0:
            setup_failed(f"`{' '.join(step)}` failed with exit code {code}: {names} not installed")
            return False
    return True


def ensure_unleash_prereqs() -> None:
    """PostgreSQL and Node.js for the real Unleash server the `unleash` tests start (scripts/unleash_server.py)."""
    if os.environ.get("ANYTOKEN_SKIP_UNLEASH"):
        return
    missing = []
    if not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))):
        missing.append("postgresql")
    if not shutil.which("node") or not shutil.which("npm"):
        missing += ["nodejs", "npm"]
    if missing and apt_install(*missing):
        if not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))):
            setup_failed("PostgreSQL was installed but initdb is not found: the real-Unleash tests cannot run")
        if not shutil.which("node") or not shutil.which("npm"):
            setup_failed("nodejs/npm were installed but node or npm is not on PATH: the real-Unleash tests cannot run")


def ensure_oauth2_prereqs() -> None:
    """Node.js and npm for the real oidc-provider the `oauth2` tests start (scripts/oidc_server.py), installed
    into its cache once so the tests do not pay for npm."""
    if os.environ.get("ANYTOKEN_SKIP_OAUTH2"):
        return
    if not shutil.which("node") or not shutil.which("npm"):
        apt_install("nodejs", "npm")
    if shutil.which("node") and shutil.which("npm"):
        run([PY, "scripts/oidc_server.py", "install"])


def cmd_demo(args: list[str]) -> int:
    install(with_dev=False)
    return run([BIN / "anytoken", "demo", *args])


def cmd_test(args: list[str]) -> int:
    install(with_dev=True)
    ensure_redis()
    ensure_unleash_prereqs()
    ensure_oauth2_prereqs()
    code = run([PY, "-m", "pytest", *args])
    if code == 5:
        log("pytest collected no tests: that is a failure")
        code = 1
    return report_setup_failures() or code


def cmd_ci(args: list[str]) -> int:
    code = cmd_test(args)
    return cmd_checks([]) or code


def cmd_checks(args: list[str]) -> int:
    """regenerate --check, ruff (lint and format) and mypy --strict (the dev environment must exist: `setup` or `test`)."""
    install(with_dev=True)
    code = 0
    plugin_src = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "plugins").glob("*/src"))
    scripts = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scripts").glob("*.py"))
    checks: list[list[str | Path]] = [
        [PY, "scripts/regenerate.py", "--check"],
        [BIN / "ruff", "check", "src", "plugins", "scripts", "tests", "bench"],
        [BIN / "ruff", "format", "--check", "src", "plugins", "scripts", "tests", "bench"],
        [BIN / "mypy", "--strict", "src", *plugin_src, *scripts],
    ]
    # test folders are checked one by one: each has its own conftest.py
    test_dirs = sorted({p.parent for p in [*(ROOT / "tests").rglob("test_*.py"), *(ROOT / "plugins").glob("*/tests/test_*.py")]})
    for folder in test_dirs:
        checks.append([BIN / "mypy", "--strict", str(folder.relative_to(ROOT))])
    # spec drift against the published specs: fails on breaking drift not in specs/<p>.drift-accepted.yaml
    upstream = ROOT.parent / "shared" / "upstream-specs"
    for provider, spec in (
        ("clerk", "clerk-bapi-2026-05-12.yml"),
        ("telnyx", "telnyx-spec3-2026-07-07.yml"),
        ("telnyx", "telnyx-sdk-client-credentials.yml"),
        ("unleash", "unleash-8.2.0-openapi.json"),
    ):
        if (upstream / spec).is_file():
            checks.append([PY, "scripts/spec_drift.py", provider, "--upstream", upstream / spec, "--quiet"])
        else:
            setup_failed(f"skipping the {provider} drift check: {upstream / spec} is absent", area="upstream-specs")
    mypy_path = {"MYPYPATH": os.pathsep.join(["scripts", "bench"])}  # the script tests import their modules
    for check in checks:
        log("running " + " ".join(str(c).replace(str(ROOT) + "/", "") for c in check))
        code = run(check, env=mypy_path) or code
    return report_setup_failures() or code


def cmd_setup(args: list[str]) -> int:
    install(with_dev=True)
    ensure_redis()
    return report_setup_failures()


def main(argv: list[str]) -> int:
    commands: dict[str, Callable[[list[str]], int]] = {
        "demo": cmd_demo,
        "test": cmd_test,
        "checks": cmd_checks,
        "ci": cmd_ci,
        "setup": cmd_setup,
    }
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
