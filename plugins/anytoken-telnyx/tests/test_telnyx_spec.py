"""Every request the plugin sends and every answer the sandbox gives, checked against Telnyx's published spec.

The upstream spec (``../shared/upstream-specs/telnyx-sdk-client-credentials.yml``, Telnyx's "SDK Client
Credentials" API) is test data outside the repository: the tests skip cleanly when it is absent. Answers
with a status the upstream spec does not declare (401, and 422 for an expired credential) are checked
against the project's own ``specs/telnyx.yaml`` instead, so no answer goes unchecked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from anytoken_telnyx.plugin import plugin
from anytoken_telnyx.sandbox import SANDBOX_API_KEY, SEED_CONNECTION_ID, SEED_CREDENTIAL_ID, UNKNOWN_CREDENTIAL_ID

from anytoken.devkit.fixtures import jwt_part
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_testing import (
    RecordingTransport,
    load_spec,
    match_operation,
    own_spec_path,
    request_errors,
    upstream_spec_path,
    validate,
    validate_request,
    validate_response,
)
from anytoken.errors import AnytokenError

#: reads ../shared/upstream-specs: with ANYTOKEN_REQUIRE=upstream-specs a skip here fails
pytestmark = pytest.mark.upstream_specs

UPSTREAM = upstream_spec_path("telnyx-sdk-client-credentials.yml")
OWN = own_spec_path("telnyx.yaml")
BASE_PATH = "/telnyx/v2"

Spec = dict[str, Any]


# -- spec helpers -----------------------------------------------------------------------------------


def _relative(url: httpx.URL) -> str:
    """The still-encoded path below the base URL (an encoded ``/`` stays inside its segment)."""
    raw = url.raw_path.decode("ascii").split("?")[0]
    assert raw.startswith(BASE_PATH), url
    return raw[len(BASE_PATH) :]


def check_request(spec: Spec, request: httpx.Request, *, body: bool = True, auth: bool = True) -> dict[str, Any]:
    """Validate ``request`` against its operation (its JSON body unless ``body=False``, its auth header
    unless ``auth=False``)."""
    op, path_params = match_operation(spec, request.method, _relative(request.url))
    for param in op.get("parameters", []):
        if param["in"] == "path":
            validate(param["schema"], path_params[param["name"]], spec=spec)
        elif param["in"] == "header" and param.get("required"):
            assert param["name"].lower() in request.headers
    security = op.get("security", spec.get("security", []))
    if security and auth:
        scheme = spec["components"]["securitySchemes"][next(iter(security[0]))]
        assert scheme["scheme"] == "bearer" and request.headers["authorization"].startswith("Bearer ")
    validate_request(spec, op, request, check_body=body)
    return op


def check_response(spec: Spec, op: dict[str, Any], response: httpx.Response) -> bool:
    """Validate ``response`` against ``op``; False when the spec does not say what it looks like.

    A declared status without content is a bare answer for 404 (Telnyx sends no body there); for other
    statuses it only means the spec does not document the body."""
    declared = op["responses"].get(str(response.status_code))
    if declared is not None and not declared.get("content") and response.status_code == 404:
        assert response.content == b"", f"{op['operationId']} {response.status_code} has no documented body"
        return True
    return validate_response(spec, op, response)


# -- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def upstream() -> Spec:
    return load_spec(UPSTREAM)


@pytest.fixture(scope="module")
def own() -> Spec:
    return load_spec(OWN, skip_if_absent=False)


@pytest.fixture(scope="module")
def exchanges() -> Iterator[list[tuple[httpx.Request, httpx.Response]]]:
    """Every exchange of a realistic session: the plugin minting (sync, async, failures) and the credential
    operations of the emulation called directly."""
    log: list[tuple[httpx.Request, httpx.Response]] = []
    with Sandbox(providers=list(plugin.sandbox())) as sb:
        base = sb.base_url("telnyx")
        with sb.client(env={}, transport=RecordingTransport(log)) as client:
            client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)
            for bad_id in (UNKNOWN_CREDENTIAL_ID, "id with/slash and space"):
                with pytest.raises(AnytokenError):
                    client.create_token("telnyx", credential_id=bad_id)
        wrong = {"telnyx": {"api_key": "KEY-wrong"}}
        with sb.client(env={}, credentials=wrong, transport=RecordingTransport(log)) as client, pytest.raises(AnytokenError):
            client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)

        async def amint() -> None:
            async with sb.client(env={}, async_transport=RecordingTransport(log)) as client:
                await client.acreate_token("telnyx", credential_id=SEED_CREDENTIAL_ID)

        asyncio.run(amint())
        auth = {"Authorization": f"Bearer {SANDBOX_API_KEY}"}
        with httpx.Client(base_url=base, headers=auth, transport=RecordingTransport(log)) as http:
            created = http.post("/telephony_credentials", json={"connection_id": SEED_CONNECTION_ID, "name": "a", "tag": "t"})
            cid = created.json()["data"]["id"]
            http.post("/telephony_credentials", json={"connection_id": SEED_CONNECTION_ID, "expires_at": "2099-01-01T00:00:00Z"})
            http.post("/telephony_credentials", json={"connection_id": SEED_CONNECTION_ID, "expires_at": "2001-01-01T00:00:00Z"})
            expired = http.post(
                "/telephony_credentials", json={"connection_id": SEED_CONNECTION_ID, "expires_at": "2001-01-01T00:00:00Z"}
            ).json()["data"]["id"]
            http.post(f"/telephony_credentials/{expired}/token")
            http.post("/telephony_credentials", json={"name": "no connection"})
            http.get(f"/telephony_credentials/{cid}")
            http.get(f"/telephony_credentials/{UNKNOWN_CREDENTIAL_ID}")
            http.post(f"/telephony_credentials/{cid}/token", headers={"Idempotency-Key": "abc"})
            http.delete(f"/telephony_credentials/{cid}")
            http.delete(f"/telephony_credentials/{cid}")
        with httpx.Client(base_url=base, transport=RecordingTransport(log)) as http:
            http.get(f"/telephony_credentials/{SEED_CREDENTIAL_ID}")
    yield log


# -- tests ------------------------------------------------------------------------------------------


def test_the_session_covers_every_status(exchanges: list[tuple[httpx.Request, httpx.Response]]) -> None:
    seen = {(req.method, r.status_code) for req, r in exchanges}
    assert {("POST", 201), ("POST", 404), ("POST", 401), ("POST", 422), ("GET", 200), ("GET", 404), ("DELETE", 200)} <= seen


def test_requests_match_the_upstream_spec(upstream: Spec, exchanges: list[tuple[httpx.Request, httpx.Response]]) -> None:
    """Accepted requests are valid; a body the emulation rejects with 422 is one the spec rejects too, or
    one that is well formed but names an unknown connection."""
    for request, response in exchanges:
        auth = response.status_code != 401
        if response.status_code != 422 or not request.content:
            check_request(upstream, request, auth=auth)
            continue
        op = check_request(upstream, request, body=False, auth=auth)
        errors = request_errors(upstream, op, request)
        pointers = [e["source"]["pointer"] for e in response.json()["errors"]]
        assert errors or pointers == ["/connection_id"], pointers


def test_plugin_requests_are_the_token_operation(upstream: Spec, exchanges: list[tuple[httpx.Request, httpx.Response]]) -> None:
    plugin_requests = [req for req, _ in exchanges if "idempotency-key" in req.headers and req.headers["idempotency-key"] != "abc"]
    assert len(plugin_requests) >= 5
    for request in plugin_requests:
        assert check_request(upstream, request, auth=False)["operationId"] == "CreateTelephonyCredentialToken"
        assert request.headers["authorization"].startswith("Bearer ")


def test_responses_match_the_upstream_spec(upstream: Spec, own: Spec, exchanges: list[tuple[httpx.Request, httpx.Response]]) -> None:
    undeclared: set[tuple[str, int]] = set()
    for request, response in exchanges:
        op = check_request(upstream, request, body=False, auth=False)
        if not check_response(upstream, op, response):
            undeclared.add((op["operationId"], response.status_code))
            own_op, _ = match_operation(own, request.method, _relative(request.url))
            if str(response.status_code) in own_op["responses"]:
                assert check_response(own, own_op, response)
            else:  # not in either spec: it must at least be Telnyx's error document
                errors = response.json()["errors"]
                assert errors and all({"code", "title", "detail"} <= set(e) for e in errors)
    assert {s for _, s in undeclared} <= {401, 422}, undeclared


def test_success_answers_carry_the_documented_content_types(exchanges: list[tuple[httpx.Request, httpx.Response]]) -> None:
    for request, response in exchanges:
        if response.status_code == 201 and request.url.path.endswith("/token"):
            assert response.headers["content-type"].startswith("text/plain")
        elif 200 <= response.status_code < 300:
            assert response.headers["content-type"].startswith("application/json")


def test_jwt_has_the_claims_of_the_upstream_example(upstream: Spec, exchanges: list[tuple[httpx.Request, httpx.Response]]) -> None:
    op, _ = match_operation(upstream, "POST", "/telephony_credentials/x/token")
    example = op["responses"]["201"]["content"]["text/plain"]["schema"]["example"]
    minted = next(r.text for req, r in exchanges if r.status_code == 201 and req.url.path.endswith("/token"))
    assert jwt_part(minted, 0) == jwt_part(example, 0) == {"alg": "HS512", "typ": "JWT"}
    ours, theirs = jwt_part(minted, 1), jwt_part(example, 1)
    assert sorted(ours) == sorted(theirs)
    for claim in ("aud", "iss", "typ"):
        assert ours[claim] == theirs[claim]
    for claim in ("exp", "iat", "nbf"):
        assert isinstance(ours[claim], int)
    assert ours["nbf"] - ours["iat"] == theirs["nbf"] - theirs["iat"]
