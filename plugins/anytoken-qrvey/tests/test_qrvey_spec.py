"""The project's own spec (specs/qrvey.yaml) must agree with the plugin and the emulator.

Qrvey publishes no OpenAPI document, so there is no upstream spec to check against; instead every request
the plugin sends and every response the sandbox returns (successes and errors) is recorded at the sandbox
and validated against the operation's schemas in ``specs/qrvey.yaml`` (local ``$ref``s inlined,
OpenAPI 3.0 semantics via ``openapi-schema-validator``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from anytoken_qrvey.sandbox import qrvey_sandbox

from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.spec_testing import (
    Exchange,
    load_spec,
    operation_by_id,
    own_spec_path,
    recording_sandbox,
    resolve_refs,
    validate_request,
    validate_response,
)
from anytoken.errors import AnytokenError

SPEC_PATH = own_spec_path("qrvey.yaml")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    raw = load_spec(SPEC_PATH)
    inlined: dict[str, Any] = resolve_refs(raw, raw)
    return inlined


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[Sandbox, list[Exchange]]]:
    """A sandbox serving the Qrvey emulation with every route wrapped to record its exchanges."""
    with recording_sandbox(qrvey_sandbox()) as recorded:
        yield recorded


def _check(spec: dict[str, Any], ex: Exchange, *, from_plugin: bool) -> None:
    path, method, op = operation_by_id(spec, ex.operation_id)
    assert ex.method.lower() == method and ex.request_path.endswith(path)
    for param in op.get("parameters", []):
        if param["in"] == "header" and param.get("required") and from_plugin:
            assert param["name"].lower() in ex.headers, f"{ex.operation_id}: header {param['name']} not sent"
    if from_plugin:
        validate_request(spec, op, ex)
    assert str(ex.status) in op["responses"], f"{ex.operation_id}: HTTP {ex.status} is not documented in the spec"
    assert validate_response(spec, op, ex), f"{ex.operation_id}: HTTP {ex.status} has no documented body"


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
    _check(spec, exchanges[0], from_plugin=True)


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
    _check(spec, exchanges[0], from_plugin=False)


def test_widget_request_schema_allows_widget_configuration(spec: dict[str, Any]) -> None:
    _, _, op = operation_by_id(spec, "generateWidgetSecurityToken")
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert schema["additionalProperties"] is True and schema["required"] == ["userid", "appid"]


def test_generated_model_keeps_additional_properties() -> None:
    from anytoken_qrvey_client.models.widget_token_request import WidgetTokenRequest

    body = WidgetTokenRequest.from_dict({"userid": "u", "appid": "a", "orgId": "o", "permissions": [1]})
    assert body.additional_properties == {"orgId": "o", "permissions": [1]}
    assert body.to_dict() == {"userid": "u", "appid": "a", "orgId": "o", "permissions": [1]}
