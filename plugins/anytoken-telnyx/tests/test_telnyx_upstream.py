"""Every request the plugin sends and every answer the sandbox gives, checked against Telnyx's published spec.

The upstream spec (``../shared/upstream-specs/telnyx-sdk-client-credentials.yml``, Telnyx's "SDK Client
Credentials" API) is test data outside the repository: the tests skip cleanly when it is absent. Answers
with a status the upstream spec does not declare (401, and 422 for an expired credential) are checked
against the project's own ``specs/telnyx.yaml`` instead, so no answer goes unchecked.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import yaml
from anytoken_telnyx.plugin import plugin
from anytoken_telnyx.sandbox import SANDBOX_API_KEY, SEED_CONNECTION_ID, SEED_CREDENTIAL_ID, UNKNOWN_CREDENTIAL_ID
from openapi_schema_validator import OAS30Validator, OAS31Validator

from anytoken.errors import AnytokenError
from anytoken.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[3]
UPSTREAM = REPO.parent / "shared" / "upstream-specs" / "telnyx-sdk-client-credentials.yml"
OWN = REPO / "specs" / "telnyx.yaml"
BASE_PATH = "/telnyx/v2"


# -- spec helpers -----------------------------------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def _resolve(node: Any, root: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every local ``$ref`` inlined (the specs here have no recursive schemas)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            assert ref.startswith("#/") and ref not in seen, ref
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return _resolve(target, root, (*seen, ref))
        return {k: _resolve(v, root, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, root, seen) for v in node]
    return node


class Spec:
    def __init__(self, path: Path) -> None:
        raw = _load(path)
        self.spec: dict[str, Any] = _resolve(raw, raw)
        self.validator = OAS31Validator if str(raw.get("openapi", "")).startswith("3.1") else OAS30Validator

    def operation(self, method: str, path: str) -> tuple[dict[str, Any], dict[str, str]]:
        """The operation serving ``method path`` (path relative to the base URL) and its path parameters."""
        for template, item in self.spec["paths"].items():
            pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            match = re.match(pattern, path)
            if match and method.lower() in item:
                return item[method.lower()], {k: unquote(v) for k, v in match.groupdict().items()}
        raise AssertionError(f"{method} {path} is not an operation of {self.spec['info']['title']}")

    def check(self, schema: dict[str, Any], instance: Any) -> None:
        self.validator(schema).validate(instance)


def _relative(url: httpx.URL) -> str:
    """The still-encoded path below the base URL (an encoded ``/`` stays inside its segment)."""
    raw = url.raw_path.decode("ascii").split("?")[0]
    assert raw.startswith(BASE_PATH), url
    return raw[len(BASE_PATH) :]


def check_request(spec: Spec, request: httpx.Request, *, body: bool = True, auth: bool = True) -> dict[str, Any]:
    """Validate ``request`` against its operation (its JSON body unless ``body=False``, its auth header
    unless ``auth=False``)."""
    op, path_params = spec.operation(request.method, _relative(request.url))
    for param in op.get("parameters", []):
        if param["in"] == "path":
            spec.check(param["schema"], path_params[param["name"]])
        elif param["in"] == "header" and param.get("required"):
            assert param["name"].lower() in request.headers
    security = op.get("security", spec.spec.get("security", []))
    if security and auth:
        scheme = spec.spec["components"]["securitySchemes"][next(iter(security[0]))]
        assert scheme["scheme"] == "bearer" and request.headers["authorization"].startswith("Bearer ")
    body_spec = op.get("requestBody")
    if body_spec is None:
        assert request.content == b"", f"{op['operationId']} takes no body"
    else:
        media = request.headers["content-type"].split(";")[0]
        assert media in body_spec["content"], media
        if media == "application/json" and body:
            spec.check(body_spec["content"][media]["schema"], json.loads(request.content))
    return op


def check_response(spec: Spec, op: dict[str, Any], response: httpx.Response) -> bool:
    """Validate ``response`` against ``op``; False when the spec does not say what it looks like.

    A declared status without content is a bare answer for 404 (Telnyx sends no body there); for other
    statuses it only means the spec does not document the body."""
    declared = op["responses"].get(str(response.status_code))
    if declared is None:
        return False
    content = declared.get("content")
    if not content:
        if response.status_code != 404:
            return False
        assert response.content == b"", f"{op['operationId']} {response.status_code} has no documented body"
        return True
    media = response.headers["content-type"].split(";")[0].strip()
    assert media in content, f"{op['operationId']} {response.status_code}: {media} not in {sorted(content)}"
    schema = content[media].get("schema", {})
    instance: Any = response.json() if media == "application/json" else response.text
    spec.check(schema, instance)
    return True


# -- recording --------------------------------------------------------------------------------------


class SyncRecorder(httpx.BaseTransport):
    def __init__(self, log: list[tuple[httpx.Request, httpx.Response]]) -> None:
        self.inner = httpx.HTTPTransport()
        self.log = log

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        response = self.inner.handle_request(request)
        content = response.read()
        response.close()
        copy = httpx.Response(response.status_code, headers=response.headers, content=content, request=request)
        self.log.append((request, copy))
        return copy

    def close(self) -> None:
        self.inner.close()


class AsyncRecorder(httpx.AsyncBaseTransport):
    def __init__(self, log: list[tuple[httpx.Request, httpx.Response]]) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.log = log

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        await response.aclose()
        copy = httpx.Response(response.status_code, headers=response.headers, content=content, request=request)
        self.log.append((request, copy))
        return copy

    async def aclose(self) -> None:
        await self.inner.aclose()


# -- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def upstream() -> Spec:
    if not UPSTREAM.exists():
        pytest.skip(f"upstream spec not found: {UPSTREAM}")
    return Spec(UPSTREAM)


@pytest.fixture(scope="module")
def own() -> Spec:
    return Spec(OWN)


@pytest.fixture(scope="module")
def exchanges() -> Iterator[list[tuple[httpx.Request, httpx.Response]]]:
    """Every exchange of a realistic session: the plugin minting (sync, async, failures) and the credential
    operations of the emulation called directly."""
    log: list[tuple[httpx.Request, httpx.Response]] = []
    with Sandbox(providers=list(plugin.sandbox())) as sb:
        base = sb.base_url("telnyx")
        with sb.client(env={}, transport=SyncRecorder(log)) as client:
            client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)
            for bad_id in (UNKNOWN_CREDENTIAL_ID, "id with/slash and space"):
                with pytest.raises(AnytokenError):
                    client.create_token("telnyx", credential_id=bad_id)
        wrong = {"telnyx": {"api_key": "KEY-wrong"}}
        with sb.client(env={}, credentials=wrong, transport=SyncRecorder(log)) as client, pytest.raises(AnytokenError):
            client.create_token("telnyx", credential_id=SEED_CREDENTIAL_ID)

        async def amint() -> None:
            async with sb.client(env={}, async_transport=AsyncRecorder(log)) as client:
                await client.acreate_token("telnyx", credential_id=SEED_CREDENTIAL_ID)

        asyncio.run(amint())
        auth = {"Authorization": f"Bearer {SANDBOX_API_KEY}"}
        with httpx.Client(base_url=base, headers=auth, transport=SyncRecorder(log)) as http:
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
        with httpx.Client(base_url=base, transport=SyncRecorder(log)) as http:
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
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        errors = list(upstream.validator(schema).iter_errors(json.loads(request.content)))
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
            own_op, _ = own.operation(request.method, _relative(request.url))
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


def _segment(token: str, i: int) -> dict[str, Any]:
    part = token.split(".")[i]
    result: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return result


def test_jwt_has_the_claims_of_the_upstream_example(upstream: Spec, exchanges: list[tuple[httpx.Request, httpx.Response]]) -> None:
    op, _ = upstream.operation("POST", "/telephony_credentials/x/token")
    example = op["responses"]["201"]["content"]["text/plain"]["schema"]["example"]
    minted = next(r.text for req, r in exchanges if r.status_code == 201 and req.url.path.endswith("/token"))
    assert _segment(minted, 0) == _segment(example, 0) == {"alg": "HS512", "typ": "JWT"}
    ours, theirs = _segment(minted, 1), _segment(example, 1)
    assert sorted(ours) == sorted(theirs)
    for claim in ("aud", "iss", "typ"):
        assert ours[claim] == theirs[claim]
    for claim in ("exp", "iat", "nbf"):
        assert isinstance(ours[claim], int)
    assert ours["nbf"] - ours["iat"] == theirs["nbf"] - theirs["iat"]
