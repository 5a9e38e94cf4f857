"""scripts/slice_spec.py: $ref closure, fix-ups, and slicing the real upstream specs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from _pipeline.errors import PipelineError
from pipeline_support import mypy_strict, run_script, upstream
from slice_spec import select_operations, slice_document

from anytoken.devkit.openapi import enum_case_duplicates, required_only_combinators

CLERK_TOKEN_OPERATIONS = (
    "createM2MToken",
    "revokeM2MToken",
    "CreateSessionToken",
    "CreateSessionTokenFromTemplate",
    "CreateActorToken",
    "RevokeActorToken",
    "CreateSignInToken",
    "CreateTestingToken",
)
TELNYX_TOKEN_OPERATIONS = ("CreateTelephonyCredentialToken", "CreateTelephonyCredential", "GetTelephonyCredential")


def _doc() -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Wrapper"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "2026-05-12"},
        "servers": [{"url": "https://example.test"}],
        "security": [{"bearer": []}],
        "tags": [{"name": "a"}, {"name": "b"}],
        "paths": {
            "/a/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "post": {
                    "operationId": "makeA",
                    "tags": ["a"],
                    "security": [{"key": []}],
                    "responses": {"200": {"$ref": "#/components/responses/Ok"}},
                },
            },
            "/b": {
                "get": {
                    "operationId": "getB",
                    "tags": ["b"],
                    "responses": {"200": {"description": "x", "content": {"application/json": {"schema": schema}}}},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "key": {"type": "apiKey", "in": "header", "name": "k"},
                "unused": {"type": "http", "scheme": "basic"},
            },
            "parameters": {"Id": {"name": "id", "in": "path", "required": True, "schema": {"$ref": "#/components/schemas/IdType"}}},
            "responses": {"Ok": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}},
            "schemas": {
                "IdType": {"type": "string"},
                "Thing": {
                    "type": "object",
                    "properties": {"kind": {"$ref": "#/components/schemas/Kind"}, "self": {"$ref": "#/components/schemas/Thing"}},
                },
                "Kind": {"type": "string", "enum": ["x", "y"]},
                "Wrapper": {"type": "object"},
                "Unused": {"type": "object"},
            },
        },
    }


def test_slice_keeps_the_transitive_closure_and_only_it() -> None:
    doc = _doc()
    sliced = slice_document(doc, select_operations(doc, ["makeA"]))
    assert list(sliced["paths"]) == ["/a/{id}"]
    assert sliced["paths"]["/a/{id}"]["parameters"] == [{"$ref": "#/components/parameters/Id"}]
    assert {k: sorted(v) for k, v in sliced["components"].items()} == {
        "securitySchemes": ["bearer", "key"],
        "parameters": ["Id"],
        "responses": ["Ok"],
        "schemas": ["IdType", "Kind", "Thing"],
    }
    assert sliced["tags"] == [{"name": "a"}]
    assert sliced["info"]["version"] == "2026-05-12"
    assert sliced["servers"] == doc["servers"] and sliced["security"] == doc["security"]


def test_operations_can_be_named_by_method_and_path() -> None:
    doc = _doc()
    ops = select_operations(doc, ["get /b", "POST /a/{id}"])
    assert [op.key for op in ops] == ["getB", "makeA"]


def test_unknown_operation_suggests_close_names() -> None:
    with pytest.raises(PipelineError, match=r"operation 'makeAA' not found .*did you mean 'makeA'"):
        select_operations(_doc(), ["makeAA"])


def test_required_only_anyof_is_dropped_and_documented() -> None:
    schema = {
        "type": "object",
        "anyOf": [{"required": ["domain"]}, {"required": ["domains"]}],
        "properties": {"domain": {"type": "string"}, "domains": {"type": "array", "items": {"type": "string"}}},
    }
    changes = required_only_combinators({"components": {"schemas": {"S": schema}}})
    assert changes == ["#/components/schemas/S: dropped anyOf of required-only members (domain | domains)"]
    assert "anyOf" not in schema and set(schema["properties"]) == {"domain", "domains"}
    assert schema["description"] == "Requires at least one of: domain | domains."


def test_real_anyof_is_left_alone() -> None:
    schema = {"anyOf": [{"type": "string"}, {"required": ["x"]}]}
    assert required_only_combinators(schema) == []
    assert "anyOf" in schema


def test_enum_case_duplicates_get_unique_names() -> None:
    schema = {"type": "string", "enum": ["telnyx", "Telnyx", "minimax", "-x"]}
    assert enum_case_duplicates({"s": schema})
    assert schema["x-enum-varnames"] == ["TELNYX", "TELNYX_2", "MINIMAX", "VALUE_3"]
    assert schema["enum"] == ["telnyx", "Telnyx", "minimax", "-x"]


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    missing = run_script("slice_spec.py", str(tmp_path / "nope.yaml"), "--operation", "x", "-o", str(tmp_path / "o.yaml"))
    assert missing.returncode == 1 and missing.stderr.startswith("error: ") and "Traceback" not in missing.stderr
    usage = run_script("slice_spec.py", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "o.yaml"))
    assert usage.returncode == 2
    bad_fixup = run_script("slice_spec.py", "x.yaml", "-p", "x", "-o", "o.yaml", "--fixup", "nosuch")
    assert bad_fixup.returncode == 2 and "unknown fix-up 'nosuch'" in bad_fixup.stderr


def _slice_and_generate(
    tmp_path: Path, source: Path, operations: tuple[str, ...], fixups: tuple[str, ...] = ()
) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path / "sliced.yaml"
    args: list[str] = [str(source), "-o", str(out)]
    for op in operations:
        args += ["--operation", op]
    for name in fixups:
        args += ["--fixup", name]
    sliced = run_script("slice_spec.py", *args)
    assert sliced.returncode == 0, sliced.stderr
    doc = yaml.safe_load(out.read_text())
    found = {op["operationId"] for item in doc["paths"].values() for op in item.values() if isinstance(op, dict) and "operationId" in op}
    assert found == set(operations)
    config = tmp_path / "config.yaml"
    config.write_text("package_name_override: sliced_client\npackage_version_override: '1.0.0'\nliteral_enums: true\n")
    project = tmp_path / "client"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(out),
            "--config",
            str(config),
            "--meta",
            "uv",
            "--output-path",
            str(project),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path)},
    )
    return result, project


@pytest.mark.slow
def test_clerk_token_operations_slice_generates_and_type_checks(tmp_path: Path) -> None:
    result, project = _slice_and_generate(tmp_path, upstream("clerk-bapi-2026-05-12.yml"), CLERK_TOKEN_OPERATIONS)
    assert result.returncode == 0, result.stdout + result.stderr
    checked = mypy_strict(project, "sliced_client")
    assert checked.returncode == 0, checked.stdout


@pytest.mark.slow
def test_telnyx_token_operations_slice_generates_and_type_checks(tmp_path: Path) -> None:
    result, project = _slice_and_generate(tmp_path, upstream("telnyx-spec3-2026-07-07.yml"), TELNYX_TOKEN_OPERATIONS)
    assert result.returncode == 0, result.stdout + result.stderr
    checked = mypy_strict(project, "sliced_client")
    assert checked.returncode == 0, checked.stdout


@pytest.mark.slow
def test_clerk_saml_connections_needs_the_fixup(tmp_path: Path) -> None:
    source = upstream("clerk-bapi-2026-05-12.yml")
    broken, _ = _slice_and_generate(tmp_path / "raw", source, ("CreateSAMLConnection",))
    assert broken.returncode != 0
    fixed, project = _slice_and_generate(tmp_path / "fixed", source, ("CreateSAMLConnection",), ("required-only-combinators",))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert mypy_strict(project, "sliced_client").returncode == 0
