"""Issue 13: structured and typed parameters are checked against the declaration before anything is sent;
messages name path ids of any type and the credentials' environment variables; a plugin refuses bad input
from ``plan()`` with a usage error; ``anytoken create PROVIDER --help`` shows the provider's parameters."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import anytoken
from anytoken import cli
from anytoken._secrets import Secret
from anytoken.declarations import CredentialField, Param, ProviderInfo, TokenKind, schema_problems
from anytoken.errors import AuthenticationError, InvalidParameterError, NotFoundError, PluginError
from anytoken.hookspecs import hookimpl
from anytoken.plugins import Registry
from anytoken.provider import error_for_response, invalid_credential
from anytoken.tokens import Token, TokenRequest

PERMISSIONS = {
    "type": "object",
    "properties": {"contents": {"type": "string", "enum": ["read", "write"]}, "issues": {"type": "string", "enum": ["read", "write"]}},
    "additionalProperties": False,
}
KIND = TokenKind(
    "installation",
    help="an installation token",
    params=(
        Param("installation_id", "int", required=True, path=True, help="the installation"),
        Param("repository_ids", "int_list", help="repository ids"),
        Param("scopes", "str_list", choices=("api", "read_api"), help="scopes"),
        Param("permissions", "object", schema=PERMISSIONS, help="permissions"),
        Param("actor", "object", schema={"type": "object", "required": ["sub"], "properties": {"sub": {"type": "string"}}}, help="x"),
        Param("level", "int", choices=(10, 20, 40), help="access level"),
    ),
    credentials=("app_id", "private_key"),
)
INFO = ProviderInfo(
    name="gh",
    kinds=(KIND,),
    credentials=(
        CredentialField("app_id", env=("GH_APP_ID",), help="app id"),
        CredentialField("private_key", env=("GH_APP_PRIVATE_KEY",), help="PEM", multiline=True, local=True),
    ),
    base_urls=(("default", "https://gh.example.com"),),
)


def _problems(**params: Any) -> tuple[tuple[str, str], ...]:
    with pytest.raises(InvalidParameterError) as caught:
        KIND.validate({"installation_id": 1, **params}, provider="gh")
    return caught.value.problems


def test_int_list_refuses_a_non_integer_item() -> None:
    assert KIND.validate({"installation_id": "7", "repository_ids": "[1, 2]"}, provider="gh")["repository_ids"] == [1, 2]
    assert KIND.validate({"installation_id": 7, "repository_ids": "3,4"}, provider="gh")["repository_ids"] == [3, 4]
    ((field, why),) = _problems(repository_ids=[1, "x"])
    assert field == "repository_ids" and "expected an integer" in why


def test_a_bad_value_inside_an_object_names_the_field_and_the_allowed_values() -> None:
    ok = KIND.validate({"installation_id": 1, "permissions": '{"contents": "read"}'}, provider="gh")
    assert ok["permissions"] == {"contents": "read"}
    assert _problems(permissions={"contents": "admin"}) == (("permissions.contents", "must be one of read, write"),)
    assert _problems(permissions={"pull": "read"}) == (("permissions.pull", "unknown field (known: contents, issues)"),)
    assert _problems(actor={"name": "x"}) == (("actor.sub", "is required"),)
    assert _problems(actor={"sub": 5}) == (("actor.sub", "expected string, got 5"),)
    with pytest.raises(InvalidParameterError) as caught:
        KIND.validate({"installation_id": 1, "permissions": {"contents": "admin"}}, provider="gh")
    assert "permissions.contents: must be one of read, write" in str(caught.value) and caught.value.exit_code == 2


def test_choices_apply_to_each_list_item_and_to_integers() -> None:
    assert KIND.validate({"installation_id": 1, "scopes": "api,read_api", "level": "20"}, provider="gh")["level"] == 20
    ((field, why),) = _problems(scopes=["api", "sudo"])
    assert field == "scopes" and "'sudo' must be one of api, read_api" in why
    assert _problems(level=30) == (("level", "must be one of 10, 20, 40"),)


def test_schema_problems_reads_nested_arrays_and_nullable_types() -> None:
    schema = {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {"id": {"type": ["string", "null"]}}}}
    assert schema_problems([{"id": "a"}, {"id": None}], schema, "policies") == []
    assert schema_problems([{"id": 1}, {}], schema, "policies") == [
        ("policies[0].id", "expected string or null, got 1"),
        ("policies[1].id", "is required"),
    ]


def _request(**params: Any) -> TokenRequest:
    return TokenRequest("gh", "installation", params, {}, "https://gh.example.com", None, INFO, KIND, "k")  # type: ignore[arg-type]  # no HTTP here


def test_not_found_names_every_path_id_whatever_its_type() -> None:
    err = error_for_response(_request(installation_id=42), 404, {}, b'{"message": "Not Found"}')
    assert isinstance(err, NotFoundError)
    assert "installation_id=42" in str(err) and "(none)" not in str(err)


def test_authentication_error_names_the_environment_variables() -> None:
    req = TokenRequest(
        "gh",
        "installation",
        {},
        {"app_id": Secret("1")},
        "https://gh.example.com",
        None,  # type: ignore[arg-type]  # no HTTP here
        INFO,
        KIND,
        "k",
    )
    err = error_for_response(req, 401, {}, b'{"message": "Bad credentials"}')
    assert isinstance(err, AuthenticationError) and "GH_APP_ID" in str(err)


class _Planner:
    """A plugin whose create_token refuses its input the documented way, or with a bare exception."""

    def __init__(self, documented: bool) -> None:
        self.documented = documented

    @hookimpl
    def anytoken_providers(self) -> list[ProviderInfo]:
        return [INFO]

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        if self.documented:
            raise invalid_credential(request, "private_key", "is not a PEM private key")
        raise ValueError("Could not deserialize key data")


@pytest.mark.parametrize("documented", [True, False])
def test_bad_input_refused_in_plan_is_a_usage_error_only_the_documented_way(documented: bool) -> None:
    registry = Registry(entry_points=False)
    registry.register(_Planner(documented), name="planner", distribution="anytoken-planner")
    creds = {"gh": {"app_id": "1", "private_key": "-----BEGIN garbage\nnot a key\n-----END garbage"}}
    transport = httpx.MockTransport(lambda r: httpx.Response(500))
    with (
        anytoken.Client(registry=registry, transport=transport, credentials=creds) as client,
        pytest.raises((InvalidParameterError, PluginError)) as caught,
    ):
        client.create_token("gh", installation_id=1)
    if documented:
        assert isinstance(caught.value, InvalidParameterError) and caught.value.exit_code == 2
        assert caught.value.fields == ("credentials.private_key",) and "GH_APP_PRIVATE_KEY" in str(caught.value)
        assert "garbage" not in str(caught.value)
    else:
        assert isinstance(caught.value, PluginError)


def test_create_provider_help_lists_its_kinds_and_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["create", "clerk", "--help"]) == 0
    out = capsys.readouterr().out
    assert "kind m2m (default)" in out and "kind actor" in out
    assert "--token_format STR {opaque|jwt} (default: 'opaque')" in out
    assert "--actor JSON-OBJECT (required)" in out and "CLERK_SECRET_KEY" in out


def test_type_is_the_providers_parameter_when_a_kind_declares_one() -> None:
    from anytoken._cli_params import provider_params

    typed = ProviderInfo(name="t", kinds=(TokenKind("a", params=(Param("type", help="x"),)), TokenKind("b")))
    assert provider_params(typed, None, ["--type", "b"]) == (None, {"type": "b"})
    untyped = ProviderInfo(name="u", kinds=(TokenKind("backend"), TokenKind("frontend")))
    assert provider_params(untyped, None, ["--type", "frontend"]) == ("frontend", {})
