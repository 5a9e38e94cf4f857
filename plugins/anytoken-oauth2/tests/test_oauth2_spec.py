"""Our spec (``specs/oauth2.yaml``, written from the RFCs) checked against the reference we did not write:
node's oidc-provider, an OpenID Certified server (``scripts/oidc_server.py``).

There is no vendor OpenAPI document for OAuth 2.0, so the real server is the upstream: every exchange the
plugin has with it (discovery, token requests that succeed and that fail, revocation), plus an introspection
request built by the generated client, is recorded at the HTTP transport; each request's form body must fit
our request schema and each answer the schema our spec declares for its status. The sandbox's emulation
must then answer the same mistakes with the same status and RFC 6749 ``error`` code as the real server.
Skipped like the other real-server tests when oidc-provider cannot run here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from anytoken_oauth2 import _discovery
from anytoken_oauth2._sandbox_emulator import CLIENT_ID, CLIENT_SECRET
from anytoken_oauth2.sandbox import sandbox_providers

import anytoken
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_testing import RecordingTransport, load_spec, own_spec_path, resolve_refs, validate, validate_response
from anytoken.errors import AnytokenError, ProviderRejectedError

pytestmark = pytest.mark.oauth2
pytest.importorskip("openapi_schema_validator")


SPEC = load_spec(own_spec_path("oauth2.yaml"), skip_if_absent=False)


@pytest.fixture(scope="module")
def server(oidc_server: Any) -> Any:
    return oidc_server


def _operation(metadata: dict[str, Any], request: httpx.Request) -> dict[str, Any]:
    """Our spec's operation for a request to one of the server's endpoints (named by its metadata)."""
    url = str(request.url).split("?")[0]
    by_endpoint = {
        metadata["token_endpoint"]: ("/token", "post"),
        metadata["revocation_endpoint"]: ("/revoke", "post"),
        metadata["introspection_endpoint"]: ("/introspect", "post"),
    }
    if url.endswith("/.well-known/openid-configuration"):
        path, method = "/.well-known/openid-configuration", "get"
    elif "/.well-known/oauth-authorization-server" in url:
        path, method = "/.well-known/oauth-authorization-server", "get"
    else:
        path, method = by_endpoint[url]
    op: dict[str, Any] = resolve_refs(SPEC["paths"][path][method], SPEC)
    return op


def _check_form(op: dict[str, Any], request: httpx.Request) -> dict[str, Any]:
    body = op["requestBody"]["content"]
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    schema = body["application/x-www-form-urlencoded"]["schema"]
    form = {k: (v if k == "resource" else v[0]) for k, v in parse_qs(request.content.decode()).items()}
    validate(schema, form, spec=SPEC)
    return form


def _exercise(server: Any) -> list[tuple[httpx.Request, httpx.Response]]:
    log: list[tuple[httpx.Request, httpx.Response]] = []
    transport = RecordingTransport(log)
    _discovery.clear_cache()
    with anytoken.Client(env={}, transport=transport) as client:
        for method, creds in server.clients.items():
            token = client.create_token(
                "oauth2", issuer=server.issuer, scope="api:read", token_endpoint_auth_method=method, credentials=creds
            )
            client.revoke_token(token, credentials=creds)
        basic = server.clients["client_secret_basic"]
        client.create_token("oauth2", issuer=server.issuer, scope=["api:read", "api:write"], resource=server.resource, credentials=basic)
        for params, creds in (
            ({"scope": server.forbidden_scope}, basic),
            ({"resource": "https://unknown.example"}, basic),
            ({}, {"client_id": basic["client_id"], "client_secret": "wrong-secret-0123456789abcdef"}),
        ):
            with pytest.raises(AnytokenError):
                client.create_token("oauth2", issuer=server.issuer, credentials=creds, **params)
    transport.close()
    # an introspection request built by the generated client
    from anytoken_oauth2_client.api.introspection import introspect_token
    from anytoken_oauth2_client.models import IntrospectionRequest

    post = server.clients["client_secret_post"]
    kwargs = introspect_token._get_kwargs(body=IntrospectionRequest.from_dict({"token": "nope", **post}))
    kwargs["url"] = server.metadata()["introspection_endpoint"]
    with httpx.Client(transport=RecordingTransport(log)) as raw:
        raw.request(**kwargs)
    return log


def test_every_exchange_fits_our_spec(server: Any) -> None:
    metadata = server.metadata()
    log = _exercise(server)
    seen: set[tuple[str, int]] = set()
    for request, response in log:
        op = _operation(metadata, request)
        if request.method == "POST":
            _check_form(op, request)
        declared = validate_response(SPEC, op, response)
        assert declared or not response.content, f"{op['operationId']} {response.status_code}: undeclared answer {response.content[:80]!r}"
        seen.add((op["operationId"], response.status_code))
    assert {("getOpenidConfiguration", 200), ("requestToken", 200), ("requestToken", 400), ("requestToken", 401)} <= seen
    assert {("revokeToken", 200), ("introspectToken", 200)} <= seen


def test_token_answers_carry_no_store(server: Any) -> None:
    for request, response in _exercise(server):
        if urlsplit(str(request.url)).path.endswith("/token"):
            assert "no-store" in response.headers.get("cache-control", ""), response.status_code  # RFC 6749 §5.1 / §5.2


def _error_of(client: anytoken.Client, issuer: str, creds: dict[str, str], **params: Any) -> tuple[str, int | None, str | None]:
    try:
        client.create_token("oauth2", issuer=issuer, credentials=creds, **params)
    except AnytokenError as exc:
        return type(exc).__name__, exc.status, exc.error if isinstance(exc, ProviderRejectedError) else None
    raise AssertionError("no error")


def test_the_sandbox_answers_mistakes_like_the_real_server(server: Any) -> None:
    basic = server.clients["client_secret_basic"]
    wrong = {"client_id": basic["client_id"], "client_secret": "wrong-secret-0123456789abcdef"}
    with Sandbox(sandbox_providers()) as box, anytoken.Client(env={}) as client:
        sandbox_issuer = box.base_url("oauth2")
        sandbox_creds = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        sandbox_wrong = {"client_id": CLIENT_ID, "client_secret": "wrong-secret-0123456789abcdef"}
        cases = [
            (({"scope": server.forbidden_scope}, basic), ({"scope": "admin:all"}, sandbox_creds)),
            (({"resource": "https://unknown.example"}, basic), ({"resource": "https://unknown.example"}, sandbox_creds)),
            (({}, wrong), ({}, sandbox_wrong)),
            (
                ({"token_endpoint_auth_method": "client_secret_post"}, wrong),
                ({"token_endpoint_auth_method": "client_secret_post"}, sandbox_wrong),
            ),
        ]
        for (real_params, real_creds), (box_params, box_creds) in cases:
            _discovery.clear_cache()
            real = _error_of(client, server.issuer, real_creds, **real_params)
            emulated = _error_of(client, sandbox_issuer, box_creds, **box_params)
            assert real == emulated, (real_params, real, emulated)
