"""Param.env, TokenKind.optional_credentials, ProviderInfo.base_url_from, Token.secrets and
ProviderRejectedError.error: the declaration features the OAuth 2.0 provider needs, on a plugin written here."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable
from typing import Any

import pytest

import anytoken
from anytoken.cache._codec import token_from_dict, token_to_dict
from anytoken.declarations import CredentialField, Param, ProviderInfo, TokenKind
from anytoken.errors import MissingBaseURLError, MissingCredentialError, ProviderRejectedError
from anytoken.hookspecs import hookimpl
from anytoken.plugins import Registry
from anytoken.tokens import Token, TokenRequest

REFRESH = "refresh-secret-0123456789abcdef"


class Where:
    """Mints a token that says what the request looked like (no HTTP)."""

    @hookimpl
    def anytoken_providers(self) -> Iterable[ProviderInfo]:
        kind = TokenKind(
            "t",
            help="test",
            params=(
                Param("server", help="where", env=("WHERE_SERVER",)),
                Param("region", help="region", env=("WHERE_REGION", "WHERE_REGION2")),
            ),
            credentials=("client_id",),
            optional_credentials=("client_secret", "private_key"),
        )
        return [
            ProviderInfo(
                name="where",
                kinds=(kind,),
                credentials=(
                    CredentialField("client_id", env=("WHERE_ID",)),
                    CredentialField("client_secret", env=("WHERE_SECRET",)),
                    CredentialField("private_key", env=("WHERE_KEY",), multiline=True),
                ),
                base_url_env="WHERE_URL",
                base_url_from=lambda p: p.get("server"),
            )
        ]

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        return Token.from_value(
            "where",
            request.kind,
            "access-0123456789abcdef-0123456789",
            metadata={"base_url": request.base_url, "creds": sorted(request.credentials), "params": dict(request.params)},
            secrets={"refresh_token": REFRESH},
        )


def _client(env: dict[str, str], **kw: Any) -> anytoken.Client:
    reg = Registry(entry_points=False)
    reg.register(Where(), name="where", distribution="anytoken-where")
    return anytoken.Client(registry=reg, env=env, **kw)


def test_param_env_fills_a_missing_parameter() -> None:
    with _client({"WHERE_ID": "id", "WHERE_URL": "https://env.example", "WHERE_REGION2": "eu"}) as c:
        token = c.create_token("where")
        assert token.metadata["params"] == {"region": "eu"}
        assert c.create_token("where", region="us").metadata["params"] == {"region": "us"}  # the call wins


def test_base_url_from_the_parameters() -> None:
    with _client({"WHERE_ID": "id", "WHERE_URL": "https://env.example"}, base_urls={"where": "https://configured.example"}) as c:
        assert c.create_token("where").metadata["base_url"] == "https://configured.example"
        assert c.create_token("where", server="https://param.example").metadata["base_url"] == "https://param.example"
        assert (
            c.create_token("where", server="https://param.example", base_url="https://arg.example").metadata["base_url"]
            == "https://arg.example"
        )
    with _client({"WHERE_ID": "id", "WHERE_SERVER": "https://from-env.example"}) as c:
        assert c.create_token("where").metadata["base_url"] == "https://from-env.example"
    with _client({"WHERE_ID": "id"}) as c, pytest.raises(MissingBaseURLError):
        c.create_token("where")


def test_optional_credentials_are_resolved_when_present() -> None:
    with _client({"WHERE_ID": "id", "WHERE_URL": "https://x.example"}) as c:
        assert c.create_token("where").metadata["creds"] == ["client_id"]
        pem = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"
        token = c.create_token("where", credentials={"client_secret": "s3cret", "private_key": pem})
        assert token.metadata["creds"] == ["client_id", "client_secret", "private_key"]
    with _client({"WHERE_URL": "https://x.example", "WHERE_SECRET": "s"}) as c, pytest.raises(MissingCredentialError) as caught:
        c.create_token("where")  # the required one is still required
    assert "WHERE_ID" in str(caught.value)


def test_token_secrets_are_masked_everywhere_but_kept_by_the_cache_codec() -> None:
    with _client({"WHERE_ID": "id", "WHERE_URL": "https://x.example"}) as c:
        token = c.create_token("where")
    assert token.get_secret("refresh_token") == REFRESH and token.get_secret("nope") is None
    for text in (repr(token), str(token), json.dumps(token.to_dict()), repr(token.secrets), repr(token.metadata)):
        assert REFRESH not in text
    assert token.to_dict(reveal=True)["secrets"] == {"refresh_token": REFRESH}
    assert token_from_dict(json.loads(json.dumps(token_to_dict(token)))).get_secret("refresh_token") == REFRESH
    assert "secrets" not in Token.from_value("p", "k", "v" * 30).to_dict()  # no key for tokens without secrets


def test_rejected_error_carries_the_provider_code_and_pickles() -> None:
    err = ProviderRejectedError("refused", error="invalid_scope", error_description="nope", provider="p", status=400)
    again = pickle.loads(pickle.dumps(err))
    assert (again.error, again.error_description, again.status) == ("invalid_scope", "nope", 400)
    assert ProviderRejectedError("plain").error is None
