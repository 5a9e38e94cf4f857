"""Against a real authorization server written by others: node's oidc-provider (``scripts/oidc_server.py``).

Every minted token is proven active by RFC 7662 introspection at that server; a revoked one inactive.
Needs node + npm; skipped with the reason when the server cannot be started here, or when
``ANYTOKEN_SKIP_OAUTH2=1``. The first run installs oidc-provider into ``~/.cache/anytoken/oidc-provider``
(about 30 s); later runs start it in about 2 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from anytoken_oauth2 import _discovery

import anytoken
from anytoken.devkit.testing import assert_no_secret
from anytoken.errors import AuthenticationError, ProviderRejectedError

pytestmark = pytest.mark.oauth2


@pytest.fixture(scope="module")
def server(oidc_server: Any) -> Any:
    return oidc_server


@pytest.fixture
def client() -> Iterator[anytoken.Client]:
    _discovery.clear_cache()
    with anytoken.Client(env={}) as c:
        yield c


def _active(server: Any, token: anytoken.Token, client_id: str, scope: str = "api:read") -> dict[str, Any]:
    found: dict[str, Any] = server.introspect(token.value)
    assert found["active"] is True, found
    assert found["client_id"] == client_id and found["scope"] == scope and found["iss"] == server.issuer
    return found


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post", "private_key_jwt"])
def test_each_auth_method_mints_an_active_token(server: Any, client: anytoken.Client, method: str) -> None:
    creds = server.clients[method]
    token = client.create_token("oauth2", issuer=server.issuer, scope="api:read", token_endpoint_auth_method=method, credentials=creds)
    assert token.metadata["token_endpoint_auth_method"] == method and token.metadata["scope"] == ["api:read"]
    assert token.expires_in is not None and 0 < token.expires_in.total_seconds() <= 600
    _active(server, token, creds["client_id"])


def test_basic_secret_with_reserved_characters(server: Any, client: anytoken.Client) -> None:
    creds = server.clients["client_secret_basic"]
    assert any(c in creds["client_secret"] for c in ":+/%")
    token = client.create_token("oauth2", issuer=server.issuer, scope="api:read", credentials=creds)  # default: basic
    assert token.metadata["token_endpoint_auth_method"] == "client_secret_basic"
    _active(server, token, creds["client_id"])


def test_token_url_and_scope_list(server: Any, client: anytoken.Client) -> None:
    creds = server.clients["client_secret_post"]
    token = client.create_token(
        "oauth2",
        token_url=server.metadata()["token_endpoint"],
        scope=["api:read", "api:write"],
        token_endpoint_auth_method="client_secret_post",
        credentials=creds,
    )
    _active(server, token, creds["client_id"], "api:read api:write")


def test_private_key_jwt_chosen_from_the_key(server: Any, client: anytoken.Client) -> None:
    creds = server.clients["private_key_jwt"]
    for _ in range(2):  # a fresh jti each time: oidc-provider refuses a replayed assertion
        token = client.create_token("oauth2", issuer=server.issuer, scope="api:read", credentials=creds)
        assert token.metadata["token_endpoint_auth_method"] == "private_key_jwt"
        _active(server, token, creds["client_id"])


def test_resource_indicator(server: Any, client: anytoken.Client) -> None:
    creds = server.clients["client_secret_basic"]
    token = client.create_token("oauth2", issuer=server.issuer, scope="api:read", resource=server.resource, credentials=creds)
    assert _active(server, token, creds["client_id"])["aud"] == server.resource
    with pytest.raises(ProviderRejectedError) as caught:
        client.create_token("oauth2", issuer=server.issuer, scope="api:read", resource="https://unknown.example", credentials=creds)
    assert caught.value.error == "invalid_target"


def test_async(server: Any) -> None:
    creds = server.clients["client_secret_basic"]

    async def main() -> anytoken.Token:
        async with anytoken.Client(env={}) as c:
            return await c.acreate_token("oauth2", issuer=server.issuer, scope="api:read", credentials=creds)

    _active(server, asyncio.run(main()), creds["client_id"])


def test_environment_and_get_token(server: Any) -> None:
    with anytoken.Client(env=server.env()) as c:
        first = c.get_token("oauth2", scope="api:read")
        assert c.get_token("oauth2", scope="api:read").value == first.value  # cached until near expiry
    _active(server, first, server.clients["client_secret_basic"]["client_id"])


def test_cli(server: Any) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OAUTH2_")}
    env.update(server.env())
    issuer = env.pop("OAUTH2_ISSUER")
    out = subprocess.run(
        [sys.executable, "-m", "anytoken", "create", "oauth2", "--issuer", issuer, "--scope", "api:read"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert server.introspect(out.stdout.strip())["active"] is True


def test_wrong_secret_is_an_authentication_error(server: Any, client: anytoken.Client) -> None:
    wrong = {"client_id": "basic-client", "client_secret": "wrong-secret-0123456789abcdef"}
    for method in ("client_secret_basic", "client_secret_post"):
        with pytest.raises(AuthenticationError) as caught:
            client.create_token("oauth2", issuer=server.issuer, scope="api:read", token_endpoint_auth_method=method, credentials=wrong)
        assert caught.value.status == 401 and "invalid_client" in str(caught.value)
        assert_no_secret(caught.value, wrong["client_secret"])


def test_unknown_scope_names_invalid_scope(server: Any, client: anytoken.Client) -> None:
    with pytest.raises(ProviderRejectedError) as caught:
        client.create_token("oauth2", issuer=server.issuer, scope=server.forbidden_scope, credentials=server.clients["client_secret_basic"])
    assert caught.value.error == "invalid_scope" and caught.value.status == 400
    assert "invalid_scope" in str(caught.value)


def test_revoke_makes_introspection_inactive(server: Any, client: anytoken.Client) -> None:
    for method in ("client_secret_basic", "private_key_jwt"):
        creds = server.clients[method]
        token = client.create_token("oauth2", issuer=server.issuer, scope="api:read", credentials=creds)
        _active(server, token, creds["client_id"])
        client.revoke_token(token, credentials=creds)
        assert server.introspect(token.value) == {"active": False}


def test_async_revoke(server: Any) -> None:
    creds = server.clients["client_secret_post"]

    async def main() -> anytoken.Token:
        async with anytoken.Client(env={}) as c:
            token = await c.acreate_token("oauth2", issuer=server.issuer, scope="api:read", credentials=creds)
            await c.arevoke_token(token, credentials=creds)
            return token

    assert server.introspect(asyncio.run(main()).value) == {"active": False}


def test_discovery_document_is_what_the_plugin_reads(server: Any) -> None:
    doc = server.metadata()
    assert doc["issuer"] == server.issuer
    assert {"client_secret_basic", "client_secret_post", "private_key_jwt"} <= set(doc["token_endpoint_auth_methods_supported"])
    assert json.dumps(doc)  # a JSON object, as specs/oauth2.yaml's AuthorizationServerMetadata says
