"""``anytoken new-plugin``: bad input fails in one line with nothing written; a scaffolded plugin installs
with pip (non-editable) into a fresh venv, passes its own conformance tests there, and mints a token through
the venv's ``anytoken create`` against ``anytoken sandbox`` run from that venv."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from venv_helpers import Venv, pip_install

from anytoken.devkit.scaffold import main

ACME = """\
openapi: 3.0.3
info:
  title: Acme Identity
  version: 2024-01-01
  description: Acme issues short-lived access tokens.
servers:
  - url: https://api.acme.test/v1
security:
  - AcmeKey: []
paths:
  /oauth/token:
    post:
      operationId: issueAccessToken
      summary: Issue an access token
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/TokenRequest'}
      responses:
        '200':
          description: The token
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TokenResponse'}
        '401':
          description: Bad key
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
  /orgs/{org_id}/tokens:
    post:
      operationId: createOrgToken
      summary: Create an organisation token
      parameters:
        - {name: org_id, in: path, required: true, schema: {type: string}, description: The organisation}
      responses:
        '201':
          description: The token, as text
          content:
            text/plain:
              schema: {type: string}
  /health:
    get:
      operationId: getHealth
      responses:
        '200': {description: ok}
components:
  securitySchemes:
    AcmeKey: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    TokenRequest:
      type: object
      required: [scope]
      properties:
        scope: {type: string, description: Space-separated scopes.}
        audience: {type: string, enum: [api, web]}
    TokenResponse:
      type: object
      required: [access_token, expires_in]
      properties:
        access_token: {type: string}
        expires_in: {type: integer}
        token_type: {type: string}
    Error:
      type: object
      required: [message]
      properties:
        message: {type: string}
"""

# Quadrata-like: no security scheme, the key is a body field, the token nested, 201, expiry as ISO text.
BETA = """\
openapi: 3.0.3
info: {title: Beta Login, version: '1.0'}
servers: [{url: 'https://{region}.beta.test/api', variables: {region: {default: eu}}}]
paths:
  /login:
    post:
      operationId: login
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [apiKey, userId]
              properties:
                apiKey: {type: string}
                userId: {type: string, description: The user to log in.}
                ttl: {type: integer, minimum: 60, maximum: 86400, description: Lifetime in seconds.}
      responses:
        '201':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data:
                    type: object
                    required: [accessToken, expiresAt]
                    properties:
                      accessToken: {type: string}
                      expiresAt: {type: string, format: date-time}
        '400': {description: bad request}
"""


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def scaffold(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- bad input: one line, exit 2, nothing written ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--spec", "missing.yaml", "-p", "x"], "spec 'missing.yaml' not found"),
        (["--spec", "acme.yaml", "-p", "issueAccesToken"], "did you mean 'issueAccessToken'"),
        (["--spec", "acme.yaml", "-p", "POST /oauth/tokn"], "did you mean 'POST /oauth/token'"),
        (["--spec", "acme.yaml", "-p", "getHealth"], "no JSON or text body to read the token from"),
        (["--spec", "acme.yaml", "-p", "createOrgToken", "--auth", "body:apiKey"], "createOrgToken has no request body"),
        (
            ["--spec", "acme.yaml", "-p", "issueAccessToken", "--auth", "cookie"],
            "expected bearer, header:NAME, query:NAME, basic, body:FIELD or none",
        ),
        (["--spec", "acme.yaml", "-p", "issueAccessToken", "--token-field", "data.tok"], "not a field of issueAccessToken's 200 response"),
        (["--spec", "acme.yaml", "-p", "issueAccessToken", "--env", "lower"], "upper-case"),
        (["--spec", "broken.yaml", "-p", "x"], "invalid YAML"),
        (["--spec", "swagger.yaml", "-p", "x"], "OpenAPI 3.0/3.1 document is needed"),
        (["--spec", "invalid.yaml", "-p", "t"], "invalid OpenAPI document"),
        (["--spec", "acme.yaml"], "required: --operation"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "acme.yaml", ACME)
    write(tmp_path, "beta.yaml", BETA)
    write(tmp_path, "broken.yaml", "openapi: [\n")
    write(tmp_path, "swagger.yaml", "swagger: '2.0'\npaths: {}\n")
    bad_type = "{type: object, properties: {token: {type: strin}}}"
    write(
        tmp_path,
        "invalid.yaml",
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /t:\n    post:\n      operationId: t\n"
        f"      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {bad_type}}}}}}}}}\n",
    )
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = scaffold(capsys, "acme", *args, "--output", str(tmp_path / "out"))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("anytoken new-plugin: error: ")
    assert message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # not even the output dir


@pytest.mark.parametrize(("name", "why"), [("Acme", "lowercase"), ("clerk", "built-in provider name"), ("a_b", "lowercase")])
def test_bad_names(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, why: str) -> None:
    spec = write(tmp_path, "acme.yaml", ACME)
    code, _, err = scaffold(capsys, name, "--spec", str(spec), "-p", "issueAccessToken", "-o", str(tmp_path / "out"))
    assert code == 2 and why in err
    assert not (tmp_path / "out").exists()


def test_existing_target_is_refused_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path, "acme.yaml", ACME)
    target = tmp_path / "out" / "anytoken-acme"
    target.mkdir(parents=True)
    (target / "keep.txt").write_text("mine")
    code, _, err = scaffold(capsys, "acme", "--spec", str(spec), "-p", "issueAccessToken", "-o", str(tmp_path / "out"))
    assert code == 2 and "already exists (pass --force" in err
    assert (target / "keep.txt").read_text() == "mine"
    code, _, err = scaffold(capsys, "acme", "--spec", str(spec), "-p", "issueAccessToken", "-o", str(tmp_path / "out"), "--force")
    assert code == 0, err
    assert not (target / "keep.txt").exists() and (target / "pyproject.toml").is_file()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["anytoken-acme"]  # no temp dirs left behind


def test_missing_generator_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "openapi_python_client" else real(name, *a))
    spec = write(tmp_path, "acme.yaml", ACME)
    code, _, err = scaffold(capsys, "acme", "--spec", str(spec), "-p", "issueAccessToken", "-o", str(tmp_path / "out"))
    assert code == 2
    assert "pip install openapi-python-client==0.29.1" in err
    assert not (tmp_path / "out").exists()


# -- what is inferred --------------------------------------------------------------------------------


def test_inference_from_the_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path, "acme.yaml", ACME)
    code, _, err = scaffold(capsys, "acme", "--spec", str(spec), "-p", "issueAccessToken", "-p", "createOrgToken", "-o", str(tmp_path))
    assert code == 0, err
    root = tmp_path / "anytoken-acme"
    plugin = (root / "src/anytoken_acme/plugin.py").read_text()
    assert 'AUTH = ("header", "X-Api-Key")' in plugin
    assert 'token="access_token"' in plugin and 'expires=("expires_in", "in")' in plugin
    assert "ok=(201,)" in plugin and 'token="text"' in plugin
    assert 'Param("scope", "str", required=True' in plugin and 'choices=("api", "web")' in plugin
    assert 'Param("org_id", "str", path=True, required=True, help="The organisation")' in plugin
    sliced = (root / "specs/acme.yaml").read_text()
    assert "/health" not in sliced and "'2024-01-01'" in sliced  # sliced; YAML dates stay strings
    pyproject = (root / "pyproject.toml").read_text()
    assert 'acme = "anytoken_acme.plugin:plugin"' in pyproject
    assert (root / "src/anytoken_acme_client/api").is_dir()
    assert "anytoken create acme --scope example" in (root / "README.md").read_text()

    code, _, err = scaffold(capsys, "beta", "--spec", str(write(tmp_path, "beta.yaml", BETA)), "-p", "login", "-o", str(tmp_path))
    assert code == 0, err
    beta = (tmp_path / "anytoken-beta/src/anytoken_beta/plugin.py").read_text()
    assert 'AUTH = ("body", "apiKey")' in beta
    assert 'token="data.accessToken"' in beta and 'expires=("data.expiresAt", "iso")' in beta
    assert "https://eu.beta.test/api" in beta  # server variables take their defaults
    assert '"apiKey"' not in beta.split("DECLARATION = ProviderInfo(")[1].split("def _dig")[0]  # the key is a credential, not a param


def test_generated_code_is_ruff_and_mypy_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil
    import sys

    if shutil.which("ruff", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("ruff is not installed next to this interpreter")
    spec = write(tmp_path, "acme.yaml", ACME)
    assert scaffold(capsys, "acme", "--spec", str(spec), "-p", "issueAccessToken", "-p", "createOrgToken", "-o", str(tmp_path))[0] == 0
    root = tmp_path / "anytoken-acme"
    bindir = Path(sys.executable).parent
    lint = subprocess.run([bindir / "ruff", "check", "--no-cache", "src/anytoken_acme", "tests"], cwd=root, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", "src/anytoken_acme"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert typed.returncode == 0, typed.stdout


# -- the real thing: pip install into a fresh venv, conformance, sandbox + CLI ------------------------


@pytest.fixture(scope="module")
def scaffolded(fresh_venv: Venv, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    tmp = tmp_path_factory.mktemp("scaffolded")
    write(tmp, "acme.yaml", ACME)
    write(tmp, "beta.yaml", BETA)
    for argv in (
        ["acme", "--spec", str(tmp / "acme.yaml"), "-p", "issueAccessToken", "-p", "createOrgToken", "-o", str(tmp)],
        ["beta", "--spec", str(tmp / "beta.yaml"), "-p", "login", "-o", str(tmp)],
    ):
        assert main(argv) == 0
    dirs = {"acme": tmp / "anytoken-acme", "beta": tmp / "anytoken-beta"}
    pip_install(fresh_venv.python, [f"{root}[test]" for root in dirs.values()])
    yield dirs


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return data


@pytest.mark.slow
def test_scaffolded_plugin_passes_its_conformance_tests_in_the_fresh_venv(fresh_venv: Venv, scaffolded: dict[str, Path]) -> None:
    for name, root in scaffolded.items():
        done = fresh_venv.run(["python", "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")])
        assert done.returncode == 0, f"{name}:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
        assert re.search(r"\b\d+ passed", done.stdout) and not re.search(r"\b\d+ (failed|error)", done.stdout), done.stdout


@pytest.mark.slow
def test_scaffolded_plugin_mints_through_the_venv_cli_against_the_venv_sandbox(fresh_venv: Venv, scaffolded: dict[str, Path]) -> None:
    listing = fresh_venv.run(["anytoken", "providers"])
    assert re.search(r"^acme\s+anytoken-acme 0\.1\.0\s+ok\s+access_token, org_token\s+ACME_API_KEY ACME_BASE_URL$", listing.stdout, re.M)
    sandbox = subprocess.Popen(
        [str(fresh_venv.bin / "anytoken"), "sandbox", "--provider", "acme", "--provider", "beta"],
        env=fresh_venv.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert sandbox.stdout is not None
        exports: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = sandbox.stdout.readline()
            if not line or line.startswith("Press Ctrl-C"):
                break
            if line.startswith("export "):
                key, _, value = line[len("export ") :].strip().partition("=")
                exports[key] = value.strip("'")
        assert {"ACME_API_KEY", "ACME_BASE_URL", "BETA_API_KEY", "BETA_BASE_URL"} <= set(exports), exports

        done = fresh_venv.run(["anytoken", "create", "acme", "--scope", "read write", "--json"], exports)
        assert done.returncode == 0, done.stderr
        token = json.loads(done.stdout)
        assert token["kind"] == "access_token"
        claims = _claims(token["value"])
        assert claims["iss"] == "acme-sandbox"
        assert token["expires_at"] is not None  # from expires_in

        text_token = fresh_venv.run(["anytoken", "create", "acme", "--kind", "org_token", "--org_id", "example-org-id"], exports)
        assert text_token.returncode == 0, text_token.stderr
        assert _claims(text_token.stdout.strip())["iss"] == "acme-sandbox"

        beta = fresh_venv.run(["anytoken", "create", "beta", "--user_id", "u1", "--json"], exports)
        assert beta.returncode == 0, beta.stderr
        assert json.loads(beta.stdout)["expires_at"] is not None  # from data.expiresAt

        wrong = fresh_venv.run(["anytoken", "create", "acme", "--scope", "read"], {**exports, "ACME_API_KEY": "wrong-key-0123456789"})
        assert wrong.returncode == 1
        assert "HTTP 401" in wrong.stderr and "wrong-key-0123456789" not in wrong.stderr
        missing = fresh_venv.run(["anytoken", "create", "acme", "--kind", "org_token", "--org_id", "nope"], exports)
        assert missing.returncode == 1 and "HTTP 404" in missing.stderr
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
        if sandbox.stdout is not None:
            sandbox.stdout.close()
        if sandbox.stderr is not None:
            sandbox.stderr.close()


# -- issue 13: real-world shapes, inferred without running the generator ------------------------------

CORPUS = Path(__file__).resolve().parent / "corpus"

#: a synthetic spec of the shapes no corpus API has: `2XX`/`4XX` ranges, a JSON:API envelope
#: (`data.attributes.token`), a query-string key, a uuid path id, `-` in the operationId
RANGES = (Path(__file__).resolve().parent / "shapes" / "ranges.yaml").read_text(encoding="utf-8")


def _model(*argv: str) -> Any:
    from anytoken.devkit.scaffold._cli import _check_args, _parser, build_model

    args = _parser().parse_args(list(argv))
    _check_args(args)
    return build_model(args)[0]


def test_typed_path_ids_get_typed_examples_and_a_missing_id_of_the_same_type() -> None:
    gh = _model("github-app", "--spec", str(CORPUS / "github-app.yaml"), "-p", "apps/create-installation-access-token").operations[0]
    installation = gh.params[0]
    assert (installation.name, installation.type, installation.example, installation.missing) == ("installation_id", "int", 42, 987654321)
    assert gh.kind == "installation_access_token" and gh.ok == [201] and gh.token_format == "opaque:ghs_"
    types = {p.name: (p.type, p.choices, p.schema) for p in gh.params}
    assert types["repository_ids"][0] == "int_list" and types["repositories"][0] == "str_list"
    assert types["permissions"][0] == "object"
    assert types["permissions"][2]["properties"]["contents"] == {"type": "string", "enum": ["read", "write"]}
    db = _model("databricks", "--spec", str(CORPUS / "databricks.yaml"), "-p", "ServicePrincipalSecrets.create").operations[0]
    account, principal = db.params[:2]
    assert (account.type, account.example, account.missing) == (
        "str",
        "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "ffffffff-ffff-4fff-bfff-ffffffffffff",
    )
    assert (principal.type, principal.example) == ("int", 42)
    assert db.kind == "service_principal_secrets"


def test_auth_modes_and_credentials_follow_the_security_scheme() -> None:
    twilio = _model("twilio", "--spec", str(CORPUS / "twilio.yaml"), "-p", "CreateNewKey")
    assert (twilio.auth.mode, [c[:2] for c in twilio.credentials]) == (
        "basic",
        [("username", "TWILIO_USERNAME"), ("password", "TWILIO_PASSWORD")],
    )
    assert "accountSid_authToken" in twilio.credentials[0][2]
    assert twilio.operations[0].body_content == "application/x-www-form-urlencoded"
    mapbox = _model("mapbox", "--spec", str(CORPUS / "mapbox.yaml"), "-p", "createToken")
    assert (mapbox.auth.mode, mapbox.auth.name) == ("query", "access_token")
    assert mapbox.operations[0].auth_header_param and "access_token" not in [p.name for p in mapbox.operations[0].params]
    assert mapbox.base_path == "/tokens/v2"
    stripe = _model("stripe", "--spec", str(CORPUS / "stripe.yaml"), "-p", "PostEphemeralKeys")
    assert stripe.auth.mode == "bearer"  # preferred over the basic scheme listed first
    assert stripe.operations[0].expires_path == "expires" and stripe.operations[0].expires_style == "epoch"
    assert [p.name for p in stripe.operations[0].params if p.location == "header"] == ["stripe_version"]


def test_ranges_envelopes_and_uuid_ids(tmp_path: Path) -> None:
    op = _model("ranges", "--spec", str(write(tmp_path, "r.yaml", RANGES)), "-p", "sessions-mint-token").operations[0]
    assert op.ok == list(range(200, 300)) and op.status == 200
    assert op.token_path == "data.attributes.token" and (op.expires_path, op.expires_style) == ("data.attributes.ttl", "in")
    assert op.error_samples[401] == {"errors": [{"detail": "{message}"}]}  # the 4XX shape, with the message where it goes
    assert op.kind == "token" and op.params[0].example == "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    cloudflare = _model("cf", "--spec", str(CORPUS / "cloudflare.yaml"), "-p", "user-api-tokens-create-token").operations[0]
    assert cloudflare.token_path == "result.value" and cloudflare.expires_path == "result.expires_on"
    assert cloudflare.ok == [200] and {400, 401, 404, 422} <= set(cloudflare.declared)


def test_what_cannot_be_inferred_is_one_line_naming_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path, "r.yaml", RANGES.replace("token: {type: string}", "tok: {type: string}"))
    code, _, err = scaffold(capsys, "ranges", "--spec", str(spec), "-p", "sessions-mint-token", "-o", str(tmp_path / "out"))
    assert code == 2 and "pass --token-field PATH" in err and len(err.strip().splitlines()) == 1
    code, _, err = scaffold(
        capsys, "ranges", "--spec", str(spec), "-p", "sessions-mint-token", "--kind", "Bad Name", "-o", str(tmp_path / "o")
    )
    assert code == 2 and "--kind 'Bad Name'" in err
    model = _model("ranges", "--spec", str(spec), "-p", "sessions-mint-token", "--token-field", "data.attributes.tok", "--kind", "session")
    assert model.operations[0].kind == "session" and model.operations[0].token_path == "data.attributes.tok"
    with pytest.raises(Exception, match="expected jwt, opaque or opaque:PREFIX"):
        _model("ranges", "--spec", str(spec), "-p", "sessions-mint-token", "--token-format", "pem")
