"""The project's own spec (specs/qrvey.yaml) must agree with the plugin and the emulator.

Qrvey publishes no OpenAPI document, so there is no upstream spec to check against; instead every request
the plugin sends and every response the sandbox returns (successes and errors) is recorded at the sandbox
and validated against the operation's schemas in ``specs/qrvey.yaml`` (local ``$ref``s inlined,
OpenAPI 3.0 semantics via ``openapi-schema-validator``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from anytoken_qrvey.sandbox import qrvey_sandbox
from openapi_schema_validator import OAS30Validator

from anytoken.errors import AnytokenError
from anytoken.sandbox import Sandbox, SandboxRequest, SandboxResponse

SPEC_PATH = Path(__file__).resolve().parents[3] / "specs" / "qrvey.yaml"

Exchange = tuple[str, SandboxRequest, SandboxResponse]


def _inline(node: Any, root: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = root
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _inline(target, root)
        return {k: _inline(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, root) for v in node]
    return node


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.skip(f"{SPEC_PATH} not found")
    raw = yaml.safe_load(SPEC_PATH.read_text())
    inlined: dict[str, Any] = _inline(raw, raw)
    return inlined


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[Sandbox, list[Exchange]]]:
    """A sandbox serving the Qrvey emulation with every route wrapped to record its exchanges."""
    exchanges: list[Exchange] = []
    provider = qrvey_sandbox()

    def wrap(route: Any) -> Any:
        def handler(request: SandboxRequest, state: Any) -> SandboxResponse:
            response: SandboxResponse = route.handler(request, state)
            exchanges.append((route.operation_id, request, response))
            return response

        return attrs.evolve(route, handler=handler)

    provider = attrs.evolve(provider, routes=tuple(wrap(r) for r in provider.routes))
    with Sandbox(providers=[provider]) as sandbox:
        yield sandbox, exchanges


def _operation(spec: dict[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return path, method, op
    raise AssertionError(f"{operation_id} is not in {SPEC_PATH.name}")


def _check(spec: dict[str, Any], operation_id: str, request: SandboxRequest, response: SandboxResponse, *, from_plugin: bool) -> None:
    path, method, op = _operation(spec, operation_id)
    assert request.method.lower() == method and request.path.endswith(path)
    for param in op.get("parameters", []):
        if param["in"] == "header" and param.get("required") and from_plugin:
            assert param["name"].lower() in request.headers, f"{operation_id}: header {param['name']} not sent"
    if from_plugin:
        media = op["requestBody"]["content"]
        assert request.headers["content-type"].split(";")[0] in media
        OAS30Validator(media["application/json"]["schema"]).validate(json.loads(request.body))
    documented = op["responses"].get(str(response.status))
    assert documented is not None, f"{operation_id}: HTTP {response.status} is not documented in the spec"
    content_type = dict(response.headers)["content-type"].split(";")[0]
    assert content_type in documented["content"], f"{operation_id}: {content_type} not documented for {response.status}"
    OAS30Validator(documented["content"][content_type]["schema"]).validate(json.loads(response.body))


# Every scenario: (kind, params, credential overrides); the plugin sends each request itself.
SCENARIOS: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    ("widget", {"userid": "u", "appid": "a"}, {}),
    ("widget", {"userid": "u", "appid": "a", "clientid": "c", "expiresIn": "1w", "orgId": "o", "permissions": [{"dataset_id": "*"}]}, {}),
    ("widget", {"userid": "", "appid": "a"}, {}),
    ("widget", {"userid": "u", "appid": "a"}, {"api_key": "wrong-key-0123456789"}),
    ("admin", {}, {}),
    ("admin", {}, {"admin_access_key": "wrong-access-0123456789"}),
]


@pytest.mark.parametrize(("kind", "params", "override"), SCENARIOS)
def test_plugin_requests_and_sandbox_responses_match_the_spec(
    spec: dict[str, Any], recorded: tuple[Sandbox, list[Exchange]], kind: str, params: dict[str, Any], override: dict[str, str]
) -> None:
    sandbox, exchanges = recorded
    exchanges.clear()
    credentials = {"qrvey": {**sandbox.credentials("qrvey"), **override}}
    with sandbox.client(env={}, credentials=credentials) as client, contextlib.suppress(AnytokenError):
        client.create_token("qrvey", kind=kind, **params)
    assert len(exchanges) == 1
    _check(spec, *exchanges[0], from_plugin=True)


@pytest.mark.parametrize(
    ("operation_id", "path", "body", "headers"),
    [
        ("generateWidgetSecurityToken", "/devapi/v4/core/login/token", b"{oops", True),
        ("generateWidgetSecurityToken", "/devapi/v4/core/login/token", b'{"userid": "u"}', True),
        ("generateWidgetSecurityToken", "/devapi/v4/core/login/token", b'{"userid": "u", "appid": "a", "expiresIn": 5}', True),
        ("generateWidgetSecurityToken", "/devapi/v4/core/login/token", b"{}", False),
        ("adminCenterLogin", "/admin/api/v5/login", b"[]", False),
        ("adminCenterLogin", "/admin/api/v5/login", b'{"username": "x"}', False),
    ],
)
def test_sandbox_error_answers_match_the_spec(
    spec: dict[str, Any], recorded: tuple[Sandbox, list[Exchange]], operation_id: str, path: str, body: bytes, headers: bool
) -> None:
    import httpx

    sandbox, exchanges = recorded
    exchanges.clear()
    sent = {"content-type": "application/json"}
    if headers:
        sent["x-api-key"] = sandbox.credentials("qrvey")["api_key"]
    httpx.post(sandbox.base_url("qrvey") + path, content=body, headers=sent, timeout=5)
    assert len(exchanges) == 1
    _check(spec, *exchanges[0], from_plugin=False)


def test_widget_request_schema_allows_widget_configuration(spec: dict[str, Any]) -> None:
    _, _, op = _operation(spec, "generateWidgetSecurityToken")
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert schema["additionalProperties"] is True and schema["required"] == ["userid", "appid"]


def test_generated_model_keeps_additional_properties() -> None:
    from anytoken_qrvey_client.models.widget_token_request import WidgetTokenRequest

    body = WidgetTokenRequest.from_dict({"userid": "u", "appid": "a", "orgId": "o", "permissions": [1]})
    assert body.additional_properties == {"orgId": "o", "permissions": [1]}
    assert body.to_dict() == {"userid": "u", "appid": "a", "orgId": "o", "permissions": [1]}
