"""Bad input on the command line is refused before the network, in one line naming the flag (issue 10, defect 10).

Against the sandbox on 127.0.0.1 with the installed plugins: its request counts prove that a refused command
never reached the wire. A provider registered in code covers the parameter types no built-in plugin declares
(bool, str_list, object together).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import anytoken
from anytoken import Param, ProviderInfo, Token, TokenKind, TokenRequest, hookimpl
from anytoken.api import set_default_client
from anytoken.cli import main
from anytoken.devkit.sandbox import Sandbox
from anytoken.errors import InvalidParameterError
from anytoken.plugins import Registry

PROVIDERS = ("clerk", "telnyx", "unleash")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The sandbox, reset, its credentials and base URLs exported, a fresh default client."""
    sandbox.reset()
    for name, value in sandbox.env().items():
        monkeypatch.setenv(name, value)
    set_default_client(None)
    yield sandbox
    set_default_client(None)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["create", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_usage_error(code: int, err: str) -> str:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("anytoken: error: "), err
    assert "Traceback" not in err
    return lines[0]


def wire(sb: Sandbox) -> dict[str, int]:
    return {p: sb.requests(p) for p in PROVIDERS}


NOTHING = dict.fromkeys(PROVIDERS, 0)


# -- bare flags ----------------------------------------------------------------------------------------


def test_a_bare_non_bool_flag_is_a_usage_error_that_never_reaches_the_sandbox(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "telnyx", "--credential-id")
    line = one_line_usage_error(code, err)
    assert "--credential-id" in line and "needs a value" in line and "'true'" not in line
    assert out == "" and wire(sb) == NOTHING
    code, _, err = cli(capsys, "telnyx", "--credential-id", "--json")  # the next flag is not its value
    assert "--credential-id" in one_line_usage_error(code, err) and wire(sb) == NOTHING


def test_a_bare_int_flag_does_not_report_a_value_the_user_never_typed(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "clerk", "--kind", "session", "--session-id", "sess_1", "--expires-in-seconds")
    line = one_line_usage_error(code, err)
    assert "--expires-in-seconds" in line and "needs a value" in line and "true" not in line.replace("true/false", "")
    assert wire(sb) == NOTHING


def test_the_cli_entry_point_exits_2_for_a_bare_flag(sb: Sandbox) -> None:
    env = {**os.environ, **sb.env()}
    done = subprocess.run(
        [sys.executable, "-m", "anytoken", "create", "telnyx", "--credential-id"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "--credential-id" in one_line_usage_error(done.returncode, done.stderr)
    assert sb.env()["TELNYX_API_KEY"] not in done.stderr
    assert wire(sb) == NOTHING


# -- JSON parameters ---------------------------------------------------------------------------------


def test_json_text_that_does_not_parse_is_an_error_naming_the_field(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "clerk", "--claims", "{bad json")
    line = one_line_usage_error(code, err)
    assert "claims" in line and "not valid JSON" in line and "{bad json" not in line
    code, _, err = cli(capsys, "clerk", "--kind", "actor", "--user-id", "user_1", "--actor", "{'sub': 'x'}")
    assert "actor" in one_line_usage_error(code, err)
    assert wire(sb) == NOTHING


def test_the_api_refuses_unparsable_json_text_too(sb: Sandbox) -> None:
    with sb.client(env={}) as client:
        with pytest.raises(InvalidParameterError) as caught:
            client.create_token("clerk", claims="{bad json")
        assert caught.value.fields == ("claims",)
        with pytest.raises(InvalidParameterError) as caught:
            client.create_token("clerk", claims="plain text")  # a JSON string is passed quoted
        assert caught.value.fields == ("claims",) and "quoted" in str(caught.value)
        assert wire(sb) == NOTHING
        assert client.create_token("clerk", claims='"plain text"').value  # quoted JSON: the string
        assert client.create_token("clerk", claims={"a": 1}).value  # a Python value passes as it is
    assert sb.requests("clerk") == 2


def test_json_text_reaches_the_provider_parsed(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "clerk", "--token-format", "jwt", "--claims", '{"role": "admin", "n": [1, 2]}')
    assert code == 0, err
    claims = sb.verify_jwt(out.strip())
    assert claims["role"] == "admin" and claims["n"] == [1, 2]


# -- repetition --------------------------------------------------------------------------------------


def test_a_repeated_param_is_an_error_naming_the_flag(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "clerk", "--kind", "actor", "--user-id", "user_a", "--user-id", "user_b", "--actor", '{"sub": "x"}')
    line = one_line_usage_error(code, err)
    assert "--user-id" in line and "given 2 times" in line
    code, _, err = cli(capsys, "clerk", "--kind", "actor", "--user-id", "user_a", "--user_id=user_b", "--actor", '{"sub": "x"}')
    assert "given 2 times" in one_line_usage_error(code, err)  # two spellings of one parameter
    code, _, err = cli(capsys, "clerk", "--kind", "actor", "--kind", "m2m")
    assert "--kind given twice" in one_line_usage_error(code, err)
    assert wire(sb) == NOTHING


def test_a_repeated_list_param_appends(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "unleash", "--type", "backend", "--projects", "default", "--projects", "mobile", "--json")
    assert code == 0, err
    token = json.loads(out)
    assert token["metadata"]["projects"] == ["default", "mobile"] and token["value"].startswith("[]:")  # Unleash: several projects
    assert sb.requests("unleash") == 1


def test_an_abbreviated_option_is_a_provider_param_not_a_core_option(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "telnyx", "--credential-id", "x", "--time", "5")  # not --timeout
    assert "time" in one_line_usage_error(code, err) and "unknown parameter" in err
    assert wire(sb) == NOTHING


# -- base URL and unknown names -------------------------------------------------------------------------


def test_a_mistyped_scheme_is_shown_without_userinfo_or_query(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    url = "htps://alice:hunter2-secret@api.clerk.com/v1?api_key=sk_live_query_secret"
    code, _, err = cli(capsys, "clerk", "--base-url", url)
    line = one_line_usage_error(code, err)
    assert "'htps://api.clerk.com/v1?...'" in line
    for secret in ("alice", "hunter2-secret", "sk_live_query_secret"):
        assert secret not in line
    assert wire(sb) == NOTHING


def test_an_unknown_provider_suggests_installed_names_not_a_package(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "clerkk")
    line = one_line_usage_error(code, err)
    assert "Did you mean 'clerk'?" in line and "pip install" not in line and "anytoken-clerkk" not in line
    code, _, err = cli(capsys, "clerk", "--kind", "m2n")
    assert "Did you mean 'm2m'?" in one_line_usage_error(code, err)
    code, _, err = cli(capsys, "clerk", "--clams", "{}")
    assert "Did you mean 'claims'?" in one_line_usage_error(code, err)
    assert wire(sb) == NOTHING


# -- every parameter type, through a provider registered in code ---------------------------------------

TYPED = ProviderInfo(
    name="typed",
    kinds=(
        TokenKind(
            "api",
            params=(
                Param("dry_run", "bool"),
                Param("count", "int"),
                Param("tags", "str_list"),
                Param("payload", "object"),
                Param("extra", "json"),
            ),
        ),
        TokenKind("free", extra_params=True),
    ),
    base_urls=(("default", "https://typed.example.com"),),
)


class TypedPlugin:
    @hookimpl
    def anytoken_providers(self) -> list[ProviderInfo]:
        return [TYPED]

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        if request.provider != "typed":
            return None
        return Token.from_value("typed", request.kind, json.dumps(request.params, sort_keys=True, default=str))


@pytest.fixture
def typed(capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    registry = Registry(entry_points=False)
    registry.register(TypedPlugin(), name="typed", distribution="anytoken-typed")
    client = anytoken.Client(registry=registry, env={})
    set_default_client(client)

    def run(*argv: str) -> tuple[int, Any, str]:
        code, out, err = cli(capsys, "typed", *argv)
        return code, json.loads(out) if code == 0 else None, err

    yield run
    set_default_client(None)
    client.close()


def test_only_bool_params_may_be_bare_flags(typed: Any) -> None:
    assert typed("--dry-run")[1] == {"dry_run": True}
    assert typed("--dry-run", "--count", "3")[1] == {"count": 3, "dry_run": True}
    assert typed("--dry-run", "false")[1] == {"dry_run": False}
    assert typed("--dry-run=no")[1] == {"dry_run": False}
    for flag in ("--count", "--tags", "--payload", "--extra"):
        code, _, err = typed(flag)
        assert flag in one_line_usage_error(code, err) and "needs a value" in err


def test_types_repetition_and_json_rules(typed: Any) -> None:
    assert typed("--tags", "a", "--tags", "b,c", "--tags", '["d"]')[1] == {"tags": ["a", "b", "c", "d"]}
    assert typed("--payload", '{"k": [1]}', "--extra", '"text"')[1] == {"extra": "text", "payload": {"k": [1]}}
    assert typed("--extra", "5")[1] == {"extra": 5}
    for argv, flag in (
        (("--count", "1", "--count", "2"), "--count"),
        (("--dry-run", "--dry-run"), "--dry-run"),
        (("--payload", "[1]"), "payload"),
        (("--payload", "{x"), "payload"),
        (("--extra", "text"), "extra"),
    ):
        code, _, err = typed(*argv)
        assert flag in one_line_usage_error(code, err), argv
    code, _, err = typed("--count", "--tags", "a", "--payload")  # every problem at once
    line = one_line_usage_error(code, err)
    assert "--count" in line and "--payload" in line and "--tags" not in line


def test_free_form_params_json_when_they_look_like_json(typed: Any) -> None:
    assert typed("--kind", "free", "--org-id", "o1", "--perms", '{"a": true}', "--n", "7")[1] == {
        "n": "7",
        "org_id": "o1",
        "perms": {"a": True},
    }
    code, _, err = typed("--kind", "free", "--perms", "{a: true}")
    assert "--perms" in one_line_usage_error(code, err) and "not valid JSON" in err
    code, _, err = typed("--kind", "free", "--org-id")
    assert "needs a value" in one_line_usage_error(code, err)


def test_create_help_documents_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["create", "--help"])
    text = capsys.readouterr().out
    assert "bare --NAME" in text and "repeated --NAME" in text and "quoted: --claims '\"text\"'" in text


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("htps://api.example.com/v1", "htps://api.example.com/v1"),
        ("ftp://bob:pw-secret@files.example.com/x?token=q-secret#frag", "ftp://files.example.com/x?..."),
        ("api.example.com/v1", "api.example.com/v1"),
        ("bob:pw-secret@api.example.com", "api.example.com"),
        ("https://[::1", "https://[::1"),  # urlsplit raises: still a typed error
        ("https://", "https:"),  # (trailing slashes are dropped first)
    ],
)
def test_a_bad_base_url_shows_scheme_host_and_path_only(url: str, shown: str) -> None:
    registry = Registry(entry_points=False)
    registry.register(TypedPlugin(), name="typed", distribution="anytoken-typed")
    with anytoken.Client(registry=registry, env={}) as client, pytest.raises(InvalidParameterError) as caught:
        client.create_token("typed", base_url=url)
    assert caught.value.fields == ("base_url",) and f"got {shown!r}" in str(caught.value)
    assert "secret" not in str(caught.value) and "bob" not in str(caught.value)


def test_a_stray_positional_value_is_not_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    """A word pasted where a --name was expected may be a secret: the error names its position only."""
    pasted = "sk_live_0123456789abcdefPASTED"
    code = main(["create", "telnyx", pasted])
    out = capsys.readouterr()
    assert code == 2
    assert pasted not in out.err + out.out
    assert "argument 1" in out.err and "--name value" in out.err


# -- flags named like the call's own keywords --------------------------------------------------------------

CRED = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"


@pytest.mark.parametrize(
    ("command", "flags", "says"),
    [
        ("create", ["--provider", "x"], "first argument"),
        ("create", ["--base_url", "http://127.0.0.1:1"], "use --base-url"),
        ("create", ["--credentials", "sekrit-key-123"], "never read from the command line"),
        ("create", ["--retry", "3"], "RetryPolicy"),
        ("token", ["--force_refresh", "true"], "use --force-refresh"),
        ("token", ["--allow_persistent", "true"], "use --allow-persistent"),
    ],
)
def test_a_flag_named_like_a_core_keyword_is_a_one_line_error(
    sb: Sandbox, capsys: pytest.CaptureFixture[str], command: str, flags: list[str], says: str
) -> None:
    code = main([command, "telnyx", "--credential-id", CRED, *flags])
    err = capsys.readouterr().err
    line = one_line_usage_error(code, err)
    assert flags[0] in line and says in line
    assert "sekrit-key-123" not in err
    assert wire(sb) == NOTHING
