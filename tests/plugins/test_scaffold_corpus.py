"""``anytoken new-plugin`` on a corpus of real token APIs (``corpus/*.yaml``, each written from the vendor's
public docs; see the comment at the top of each file), scaffolded with no edits.

Every plugin is pip-installed (non-editable) into the session's fresh venv in ONE pip call, all their
conformance suites run in ONE pytest process there, and each plugin's README command mints through the
venv's ``anytoken create`` against ONE ``anytoken sandbox`` serving them all. Scaffolding runs two at a time
(the generator is a subprocess). Durations are printed (``-s``) so the cost in CI stays visible.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
import pytest
from venv_helpers import Venv, pip_install

from anytoken.devkit.scaffold import main

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


@attrs.frozen
class Api:
    name: str
    spec: str
    operation: str
    flags: tuple[str, ...] = ()
    #: what `anytoken create --json` must show: kind, whether an expiry is read, a metadata key
    kind: str = ""
    expires: bool = True
    metadata_key: str | None = None


CORPUS = (
    # integer path id, '/' and '-' in the operationId, opaque ghs_ token, object of enums, int array
    Api(
        "github-app",
        "github-app",
        "apps/create-installation-access-token",
        kind="installation_access_token",
        metadata_key="repository_selection",
    ),
    # HTTP basic, form body, string path id with a pattern, the key's `secret` is the token, no expiry
    Api("twilio", "twilio", "CreateNewKey", kind="key", expires=False, metadata_key="sid"),
    # query-string API key, enum string array, JWT-shaped token
    Api("mapbox", "mapbox", "createToken", kind="token", metadata_key="id"),
    # bearer, servers base path, 4XX range, token in the `result.value` envelope, array of objects
    Api("cloudflare", "cloudflare", "user-api-tokens-create-token", kind="token", metadata_key="result"),
    # header API key, relative server (per-customer base URL), nested `auth.client_token`, --kind
    Api("vault", "vault", "token-create-against-role", ("--kind", "role_token"), kind="role_token", metadata_key="auth"),
    # bearer preferred over basic, form body, required header parameter, epoch `expires`
    Api("stripe", "stripe", "PostEphemeralKeys", kind="ephemeral_keys", metadata_key="object"),
    # PRIVATE-TOKEN header, base path, integer enum, required enum array, a `format: date` expiry
    Api("gitlab", "gitlab", "createProjectAccessToken", kind="project_access_token", metadata_key="scopes"),
    # uuid and integer path ids, operationId with '.'
    Api("databricks", "databricks", "ServicePrincipalSecrets.create", kind="service_principal_secrets", metadata_key="status"),
)


#: what the CLI test mints: the corpus and the synthetic ranges spec (the docs' plugin is checked on its own)
APIS = (*CORPUS, Api("ranges", "", "", kind="token", metadata_key="data"))


def _scaffold(api: Api, out: Path) -> Path:
    argv = [api.name, "--spec", str(CORPUS_DIR / f"{api.spec}.yaml"), "-p", api.operation, "-o", str(out), *api.flags]
    assert main(argv) == 0, f"scaffolding {api.name} failed"
    return out / f"anytoken-{api.name}"


def _docs_block(marker: str) -> str:
    """The fenced block right after ``<!-- docs-test: MARKER -->`` in docs/plugins.md."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"<!-- docs-test: {re.escape(marker)} -->\n```\w*\n(.*?)\n```", text, re.S)
    assert match, f"docs/plugins.md has no docs-test block {marker}"
    return match.group(1) + "\n"


def _docs_plugin(out: Path) -> Path:
    """docs/plugins.md's walkthrough, done as written: its scaffold command, its app_jwt.py, its pyproject edits."""
    text = DOCS.read_text(encoding="utf-8")
    command = re.search(r"^anytoken new-plugin github .*$", text, re.M)
    assert command, "docs/plugins.md has no `anytoken new-plugin github` command"
    argv = [str(CORPUS_DIR / a) if a.endswith(".yaml") else a for a in shlex.split(command.group(0))[2:]]
    assert main([*argv, "-o", str(out)]) == 0
    root = out / "anytoken-github"
    (root / "src/anytoken_github/app_jwt.py").write_text(_docs_block("src/anytoken_github/app_jwt.py"), encoding="utf-8")
    toml = _docs_block("pyproject.toml")
    dependency = re.search(r'^\s*("PyJWT[^"]*"),$', toml, re.M)
    entry = re.search(r"^github = .*$", toml, re.M)
    assert dependency and entry
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = re.sub(r"^github = .*$", entry.group(0), pyproject, flags=re.M)
    pyproject = pyproject.replace('    "attrs>=22.2.0",\n', f'    "attrs>=22.2.0",\n    {dependency.group(1)},\n')
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def corpus(fresh_venv: Venv, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    out = tmp_path_factory.mktemp("corpus")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        roots = dict(zip((a.name for a in CORPUS), pool.map(lambda a: _scaffold(a, out), CORPUS), strict=True))
    roots["github"] = _docs_plugin(out)
    shapes = Path(__file__).resolve().parent / "shapes" / "ranges.yaml"  # 2XX/4XX, data.attributes.token, uuid
    assert main(["ranges", "--spec", str(shapes), "-p", "sessions-mint-token", "-o", str(out)]) == 0
    roots["ranges"] = out / "anytoken-ranges"
    scaffolded = time.perf_counter() - started
    installed = pip_install(fresh_venv.python, [f"{root}[test]" for root in roots.values()])
    print(f"\ncorpus: scaffolded {len(roots)} plugins in {scaffolded:.1f} s, pip-installed them in {installed:.1f} s")
    yield roots


@pytest.mark.slow
def test_every_corpus_plugin_passes_its_own_suite_in_the_fresh_venv(fresh_venv: Venv, corpus: dict[str, Path]) -> None:
    started = time.perf_counter()
    tests = [str(root / "tests") for root in corpus.values()]
    rootdir = str(next(iter(corpus.values())).parent)  # node ids read anytoken-NAME/tests/test_NAME_ROLE.py::...
    done = fresh_venv.run(
        [
            "python",
            "-m",
            "pytest",
            "-v",
            "-p",
            "no:cacheprovider",
            "--import-mode=importlib",
            "--rootdir",
            rootdir,
            "-W",
            "error::ResourceWarning",
            *tests,
        ],
        timeout=600,
    )
    print(f"corpus: {len(tests)} plugin test suites in one pytest run: {time.perf_counter() - started:.1f} s")
    assert done.returncode == 0, f"{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
    for name in corpus:
        for role in ("plugin", "conformance", "spec"):  # the three files the scaffold writes, each of them run
            test_file = f"test_{name.replace('-', '_')}_{role}.py"
            lines = [line for line in done.stdout.splitlines() if re.search(rf"anytoken-{re.escape(name)}/(tests/)?{test_file}::", line)]
            assert any("PASSED" in line for line in lines), f"{name}: no test of {test_file} ran\n{done.stdout[-2000:]}"
            assert not any(re.search(r"FAILED|ERROR|SKIPPED", line) for line in lines), f"{name}: {test_file}"


def _readme_command(root: Path) -> list[str]:
    readme = (root / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^(anytoken create \S+.*)$", readme, re.M)
    assert match, f"{root.name}: no `anytoken create` command in its README"
    return shlex.split(match.group(1))


def _serve(venv: Venv, names: list[str]) -> tuple[subprocess.Popen[str], dict[str, str]]:
    args = [str(venv.bin / "anytoken"), "sandbox", *(x for n in names for x in ("--provider", n))]
    proc = subprocess.Popen(args, env=venv.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    exports: dict[str, str] = {}
    deadline = time.monotonic() + 60
    pending = ""
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line or (line.startswith("Press Ctrl-C") and not pending):
            break
        if pending or line.startswith("export "):
            pending += line
            try:  # a quoted multi-line value (a PEM key) spans several lines
                (assignment,) = shlex.split(pending[len("export ") :])
            except ValueError:
                continue
            key, _, value = assignment.partition("=")
            exports[key] = value
            pending = ""
    return proc, exports


@pytest.mark.slow
def test_every_corpus_readme_command_mints_through_the_venv_cli_against_the_sandbox(fresh_venv: Venv, corpus: dict[str, Path]) -> None:
    proc, exports = _serve(fresh_venv, list(corpus))
    started = time.perf_counter()
    try:
        for api in APIS:
            command = _readme_command(corpus[api.name])
            done = fresh_venv.run([*command, "--json"], exports)
            assert done.returncode == 0, f"{api.name}: {shlex.join(command)}: {done.stderr}"
            token = json.loads(done.stdout)
            assert token["kind"] == api.kind, api.name
            assert (token["expires_at"] is not None) == api.expires, f"{api.name}: expires_at {token['expires_at']}"
            assert api.metadata_key in token["metadata"], f"{api.name}: metadata {token['metadata']}"
            assert token["value"] not in json.dumps(token["metadata"]), f"{api.name}: the token is in the metadata"
            assert "Unset" not in done.stdout
            help_text = fresh_venv.run(["anytoken", "create", api.name, "--help"], exports)
            assert help_text.returncode == 0 and api.kind in help_text.stdout, help_text.stdout + help_text.stderr
        # messages name the environment variable (401) and every path id, whatever its type (404)
        wrong = fresh_venv.run(_readme_command(corpus["github-app"]), {**exports, "GITHUB_APP_API_KEY": "wrong-key-0123456789"})
        assert wrong.returncode == 1 and "GITHUB_APP_API_KEY" in wrong.stderr and "wrong-key-0123456789" not in wrong.stderr
        missing = fresh_venv.run(["anytoken", "create", "github-app", "--installation_id", "987654321"], exports)
        assert missing.returncode == 1 and "installation_id=987654321" in missing.stderr, missing.stderr
        both = fresh_venv.run(
            ["anytoken", "create", "databricks", "--account_id", "ffffffff-ffff-4fff-bfff-ffffffffffff", "--service_principal_id", "7"],
            exports,
        )
        assert both.returncode == 1 and "account_id=" in both.stderr and "service_principal_id=7" in both.stderr, both.stderr
        # docs/plugins.md's GitHub App plugin: the JWT is signed locally with the PEM key from the environment
        assert "BEGIN PRIVATE KEY" in exports.get("GITHUB_APP_PRIVATE_KEY", ""), sorted(exports)
        signed = fresh_venv.run(["anytoken", "create", "github", "--installation_id", "42", "--json"], exports)
        assert signed.returncode == 0, signed.stderr
        assert json.loads(signed.stdout)["value"].startswith("ghs_")
        garbage = fresh_venv.run(["anytoken", "create", "github", "--installation_id", "42"], {**exports, "GITHUB_APP_PRIVATE_KEY": "nope"})
        assert garbage.returncode == 2 and "credentials.private_key" in garbage.stderr and "GITHUB_APP_PRIVATE_KEY" in garbage.stderr
        # a bad value inside a structured parameter is a usage error naming the field and the allowed values
        bad = fresh_venv.run(
            ["anytoken", "create", "github-app", "--installation_id", "42", "--permissions", '{"contents": "admin"}'], exports
        )
        assert bad.returncode == 2 and "permissions.contents: must be one of read, write" in bad.stderr, bad.stderr
        ints = fresh_venv.run(["anytoken", "create", "github-app", "--installation_id", "42", "--repository_ids", '[1,"x"]'], exports)
        assert ints.returncode == 2 and "repository_ids" in ints.stderr and "expected an integer" in ints.stderr, ints.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    print(f"corpus: {len(APIS)} README commands + error checks through the CLI: {time.perf_counter() - started:.1f} s")
