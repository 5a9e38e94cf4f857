"""anytoken.devkit.spec_testing: recording, spec loading, ``$ref`` inlining, operation lookup, validation."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from anytoken.devkit.sandbox import Route, SandboxProvider, SandboxRequest, SandboxResponse
from anytoken.devkit.spec_testing import (
    CapturingTransport,
    Exchange,
    RecordingTransport,
    load_spec,
    match_operation,
    operation,
    operation_by_id,
    own_spec_path,
    record_exchanges,
    recording_sandbox,
    repo_root,
    request_errors,
    resolve_refs,
    schema_errors,
    upstream_spec_path,
    validate,
    validate_request,
    validate_response,
)

ValidationError = pytest.importorskip("jsonschema.exceptions").ValidationError

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Widgets", "version": "1"},
    "paths": {
        "/widgets": {
            "post": {
                "operationId": "createWidget",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/New"}}}},
                "responses": {
                    "201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}},
                    "204": {"description": "no body documented"},
                },
            }
        },
        "/widgets/{id}/token": {
            "get": {
                "operationId": "widgetToken",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"text/plain": {"schema": {"type": "string", "minLength": 3}}}}},
            }
        },
    },
    "components": {
        "schemas": {
            "New": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {"name": {"type": "string"}, "a/b": {"$ref": "#/components/schemas/a~1b"}},
            },
            "a/b": {"type": "integer", "nullable": True},
            "Widget": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        }
    },
}


def _request(content: bytes, content_type: str = "application/json", method: str = "POST", path: str = "/widgets") -> httpx.Request:
    return httpx.Request(method, f"https://api.example.com{path}", content=content, headers={"content-type": content_type})


def _response(status: int, content: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(status, content=content, headers={"content-type": content_type})


# -- $ref s and operations ----------------------------------------------------------------------------


def test_resolve_refs_inlines_nested_and_escaped_refs_without_touching_the_input() -> None:
    before = json.dumps(SPEC, sort_keys=True)
    schema = resolve_refs({"$ref": "#/components/schemas/New"}, SPEC)
    assert schema["properties"]["a/b"] == {"type": "integer", "nullable": True}
    assert json.dumps(SPEC, sort_keys=True) == before


def test_resolve_refs_refuses_recursive_and_remote_refs() -> None:
    root = {"components": {"schemas": {"Node": {"properties": {"next": {"$ref": "#/components/schemas/Node"}}}}}}
    with pytest.raises(AssertionError, match="recursive"):
        resolve_refs({"$ref": "#/components/schemas/Node"}, root)
    with pytest.raises(AssertionError):
        resolve_refs({"$ref": "other.yaml#/x"}, root)


def test_operations_by_template_concrete_path_and_id() -> None:
    op = operation(SPEC, "POST", "/widgets")
    assert op["operationId"] == "createWidget" and "$ref" not in json.dumps(op)
    found, params = match_operation(SPEC, "get", "/widgets/a%2Fb/token")
    assert found["operationId"] == "widgetToken" and params == {"id": "a/b"}
    assert operation_by_id(SPEC, "widgetToken")[:2] == ("/widgets/{id}/token", "get")
    for lookup in (
        lambda: operation(SPEC, "GET", "/widgets"),
        lambda: match_operation(SPEC, "GET", "/gadgets"),
        lambda: operation_by_id(SPEC, "x"),
    ):
        with pytest.raises(AssertionError, match="Widgets"):
            lookup()


# -- validation -----------------------------------------------------------------------------------------


def test_validation_catches_a_bad_request_body() -> None:
    op = operation(SPEC, "POST", "/widgets")
    assert validate_request(SPEC, op, _request(b'{"name": "w", "a/b": null}')) == {"name": "w", "a/b": None}
    for bad in (b'{"name": 5}', b"{}", b'{"name": "w", "extra": 1}'):
        with pytest.raises(ValidationError):
            validate_request(SPEC, op, _request(bad))
        assert request_errors(SPEC, op, _request(bad))
        assert validate_request(SPEC, op, _request(bad), check_body=False) is not None
    assert request_errors(SPEC, op, _request(b'{"name": "w"}')) == []
    with pytest.raises(AssertionError, match="content type"):
        validate_request(SPEC, op, _request(b"name=w", "application/x-www-form-urlencoded"))


def test_a_body_where_none_is_taken_fails() -> None:
    op = operation(SPEC, "GET", "/widgets/{id}/token")
    assert validate_request(SPEC, op, _request(b"", method="GET", path="/widgets/1/token")) is None
    with pytest.raises(AssertionError, match="takes no body"):
        validate_request(SPEC, op, _request(b"null", method="GET", path="/widgets/1/token"))
    validate_request(SPEC, op, _request(b"null", method="GET"), no_body=(b"", b"null"))


def test_validation_catches_a_bad_response() -> None:
    create = operation(SPEC, "POST", "/widgets")
    assert validate_response(SPEC, create, _response(201, b'{"id": "w1"}'))
    with pytest.raises(ValidationError):
        validate_response(SPEC, create, _response(201, b'{"id": 1}'))
    with pytest.raises(AssertionError, match="text/html"):
        validate_response(SPEC, create, _response(201, b"<p>", "text/html"))
    assert not validate_response(SPEC, create, _response(500, b"{}"))  # undeclared status
    assert not validate_response(SPEC, create, _response(204, b""))  # declared without a body
    token = operation(SPEC, "GET", "/widgets/{id}/token")
    assert validate_response(SPEC, token, _response(200, b"abcdef", "text/plain; charset=utf-8"))
    with pytest.raises(ValidationError):
        validate_response(SPEC, token, _response(200, b"ab", "text/plain"))


def test_the_dialect_follows_the_spec_version() -> None:
    nullable = {"type": "string", "nullable": True}
    validate(nullable, None)  # OpenAPI 3.0: nullable
    assert schema_errors(nullable, None, spec={"openapi": "3.1.0"})  # 3.1 drops nullable
    validate({"type": ["string", "null"]}, None, spec={"openapi": "3.1.0"})


def test_exchanges_sandbox_requests_and_responses_are_all_accepted() -> None:
    op = operation(SPEC, "POST", "/widgets")
    ex = Exchange("createWidget", "POST", "/widgets", {"content-type": "application/json"}, b'{"name": "w"}', 201, {}, b'{"id": "1"}')
    validate_request(SPEC, op, ex)
    with pytest.raises(AssertionError, match="''"):  # an Exchange's response without a content type
        validate_response(SPEC, op, ex)
    sandbox_request = SandboxRequest("POST", "/widgets", {}, {}, {"content-type": "application/json"}, b'{"name": "w"}')
    assert validate_request(SPEC, op, sandbox_request) == {"name": "w"}
    assert validate_response(SPEC, op, SandboxResponse.json(201, {"id": "1"}))


# -- specs on disk --------------------------------------------------------------------------------------


def test_load_spec_reads_json_and_yaml(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps(SPEC))
    (tmp_path / "s.yaml").write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
    assert load_spec(tmp_path / "s.json") == SPEC
    assert load_spec(tmp_path / "s.yaml")["paths"] == {}
    (tmp_path / "x.yaml").write_text("- not\n- a spec\n")
    with pytest.raises(AssertionError, match="not an OpenAPI document"):
        load_spec(tmp_path / "x.yaml")


def test_load_spec_skips_when_the_file_is_absent(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match="spec not found"):
        load_spec(tmp_path / "missing.yml")
    with pytest.raises(FileNotFoundError):
        load_spec(tmp_path / "missing.yml", skip_if_absent=False)


def test_spec_paths_are_computed_from_the_checkout() -> None:
    root = repo_root()
    assert (root / "pyproject.toml").is_file() and (root / "src" / "anytoken" / "devkit" / "spec_testing.py").is_file()
    assert upstream_spec_path("x.yml") == root.parent / "shared" / "upstream-specs" / "x.yml"
    assert own_spec_path("telnyx.yaml").is_file()


def test_importing_needs_neither_pytest_nor_yaml_nor_the_validator() -> None:
    code = (
        "import sys\n"
        "for name in ('pytest', 'yaml', 'openapi_schema_validator', 'jsonschema'): sys.modules[name] = None\n"
        "import anytoken.devkit.spec_testing\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# -- recording ------------------------------------------------------------------------------------------


def _provider() -> SandboxProvider:
    def create(request: SandboxRequest, state: Any) -> SandboxResponse:
        body = request.json()
        if not isinstance(body, dict) or "name" not in body:
            return SandboxResponse.json(400, {"message": "name is required"})
        return SandboxResponse.json(201, {"id": "w1"}, headers=(("Location", "/widgets/w1"),))

    def token(request: SandboxRequest, state: Any) -> SandboxResponse:
        return SandboxResponse.text(200, "tok-" + request.path_params["id"])

    routes = (Route("POST", "/widgets", create, "createWidget"), Route("GET", "/widgets/{id}/token", token, "widgetToken"))
    return SandboxProvider("widgets", "/widgets/v1", routes, {}, {})


def test_record_exchanges_keeps_every_exchange() -> None:
    with recording_sandbox(_provider()) as (sb, log), httpx.Client(base_url=sb.base_url("widgets")) as http:
        http.post("/widgets", json={"name": "w"})
        http.post("/widgets", json={})
        http.get("/widgets/w1/token")
    first, second, third = log
    assert (first.operation_id, first.method, first.path, first.request_path) == ("createWidget", "POST", "/widgets", "/widgets/v1/widgets")
    assert json.loads(first.body) == {"name": "w"} and first.headers["content-type"] == "application/json"
    assert (first.status, first.response_headers["location"], json.loads(first.response_body)) == (201, "/widgets/w1", {"id": "w1"})
    assert second.status == 400 and third.path == "/widgets/{id}/token" and third.response_body == b"tok-w1"
    for ex in (first, third):
        op = operation(SPEC, ex.method, ex.path)
        validate_request(SPEC, op, ex)
        assert validate_response(SPEC, op, ex)
    with pytest.raises(ValidationError):
        validate_request(SPEC, operation(SPEC, "POST", "/widgets"), second)
    log_only: list[Exchange] = []
    wrapped = record_exchanges(_provider(), log_only)
    assert [r.operation_id for r in wrapped.routes] == ["createWidget", "widgetToken"] and not log_only


def test_recording_transport_keeps_sync_and_async_pairs() -> None:
    shared: list[tuple[httpx.Request, httpx.Response]] = []
    with recording_sandbox(_provider()) as (sb, _):
        base = sb.base_url("widgets")
        with httpx.Client(base_url=base, transport=RecordingTransport(shared)) as http:
            http.post("/widgets", json={"name": "w"})

        async def run() -> None:
            async with httpx.AsyncClient(base_url=base, transport=RecordingTransport(shared)) as http:
                await http.get("/widgets/w2/token")

        asyncio.run(run())
    (request, response), (arequest, aresponse) = shared
    assert request.content == b'{"name":"w"}' and response.status_code == 201 and response.json() == {"id": "w1"}
    assert arequest.method == "GET" and aresponse.text == "tok-w2"
    assert RecordingTransport().exchanges == []


def test_capturing_transport_serves_sync_and_async_clients() -> None:
    transport = CapturingTransport(201, {"id": "w1"})

    with httpx.Client(transport=transport) as http:
        assert http.post("https://api.example.com/widgets", json={"name": "w"}).json() == {"id": "w1"}
    assert transport.body == {"name": "w"}

    async def run() -> int:
        async with httpx.AsyncClient(transport=transport) as http:
            return (await http.get("https://api.example.com/widgets/1/token")).status_code

    assert asyncio.run(run()) == 201
    assert [r.method for r in transport.requests] == ["POST", "GET"] and transport.body is None
    with httpx.Client(transport=CapturingTransport()) as http:
        answer = http.get("https://x.example")
    assert (answer.status_code, answer.content) == (200, b"")  # no payload: an empty body
