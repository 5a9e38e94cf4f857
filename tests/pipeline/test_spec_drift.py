"""scripts/spec_drift.py and anytoken.devkit.spec_drift: synthetic mutations of Clerk's real BAPI spec, the real specs."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pipeline_support import REPO_ROOT, run_script, upstream

from anytoken.devkit.openapi import iter_operations, read_document, select_operations, slice_document
from anytoken.devkit.scaffold._render import README
from anytoken.devkit.spec_drift import ADDITIVE, BREAKING, COSMETIC, Finding, compare_documents, main

CLERK_SPEC = REPO_ROOT / "specs" / "clerk.yaml"
M2M = "paths./m2m_tokens.post"
M2M_BODY = f"{M2M}.requestBody.content.application/json.schema"
M2M_201 = f"{M2M}.responses.201.content.application/json.schema"
REAL = [
    ("clerk", "clerk-bapi-2026-05-12.yml"),
    ("telnyx", "telnyx-spec3-2026-07-07.yml"),
    ("telnyx", "telnyx-sdk-client-credentials.yml"),
    ("unleash", "unleash-8.2.0-openapi.json"),
]

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def ours() -> Doc:
    return read_document(CLERK_SPEC)


@pytest.fixture(scope="module")
def clerk_slice(ours: Doc) -> Doc:
    """Clerk's published spec cut to the operations of ours (every component they use, unchanged)."""
    full = read_document(upstream("clerk-bapi-2026-05-12.yml"))
    return slice_document(full, select_operations(full, [op.key for op in iter_operations(ours)]))


@pytest.fixture
def up(clerk_slice: Doc) -> Doc:
    """A private copy to mutate."""
    return copy.deepcopy(clerk_slice)


def _key(f: Finding) -> tuple[str, str, str, str, str]:
    return (f.severity, f.operation, f.kind, f.ours or "-", f.upstream or "-")


@pytest.fixture
def drift(ours: Doc, clerk_slice: Doc) -> Callable[[Doc], list[Finding]]:
    """The findings a mutated upstream adds to (or removes from) today's baseline."""
    baseline = {_key(f) for f in compare_documents(ours, clerk_slice).findings}

    def new_findings(mutated: Doc) -> list[Finding]:
        return [f for f in compare_documents(ours, mutated).findings if _key(f) not in baseline]

    return new_findings


def _op(doc: Doc, path: str, method: str = "post") -> Doc:
    node: Doc = doc["paths"][path][method]
    return node


def _body(doc: Doc, path: str) -> Doc:
    schema: Doc = _op(doc, path)["requestBody"]["content"]["application/json"]["schema"]
    return schema


def _m2m_201(doc: Doc) -> Doc:
    schema: Doc = _op(doc, "/m2m_tokens")["responses"]["201"]["content"]["application/json"]["schema"]
    return schema


def _rename_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        if node.get("$ref") == old:
            node["$ref"] = new
        for value in node.values():
            _rename_refs(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _rename_refs(value, old, new)


def test_todays_clerk_spec_matches_upstream(ours: Doc, clerk_slice: Doc) -> None:
    report = compare_documents(ours, clerk_slice)
    assert report.matched == report.operations == 9
    assert not report.breaking
    assert {f.severity for f in report.findings} <= {COSMETIC}  # only error-body details (meta, clerk_trace_id)


def test_a_field_we_read_removed_is_breaking(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    del _m2m_201(up)["properties"]["token"]
    [finding] = drift(up)
    assert _key(finding) == (BREAKING, "createM2MToken", "property-removed", f"{M2M_201}.properties.token", "-")


def test_a_field_we_send_removed_is_breaking(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    del _body(up, "/m2m_tokens")["properties"]["claims"]
    [finding] = drift(up)
    assert _key(finding) == (BREAKING, "createM2MToken", "property-removed", f"{M2M_BODY}.properties.claims", "-")


def test_a_required_field_added_is_breaking_an_optional_one_additive(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    body = _body(up, "/sign_in_tokens")
    body["properties"]["purpose"] = {"type": "string"}
    body["properties"]["note"] = {"type": "string"}
    body["required"] = ["user_id", "purpose", "org_id"]
    at = "paths./sign_in_tokens.post.requestBody.content.application/json.schema"
    assert sorted(map(_key, drift(up))) == [
        (ADDITIVE, "CreateSignInToken", "property-added", "-", f"{at}.properties.note"),
        (BREAKING, "CreateSignInToken", "required-added", "-", f"{at}.properties.purpose"),
        (BREAKING, "CreateSignInToken", "required-added", f"{at}.required", f"{at}.required"),  # org_id
    ]


def test_an_enum_narrowed_is_breaking_widened_additive_when_we_send(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    _body(up, "/m2m_tokens")["properties"]["token_format"]["enum"] = ["jwt"]
    [finding] = drift(up)
    at = f"{M2M_BODY}.properties.token_format.enum"
    assert _key(finding) == (BREAKING, "createM2MToken", "enum-changed", at, at)
    assert '"opaque"' in finding.message
    _body(up, "/m2m_tokens")["properties"]["token_format"]["enum"] = ["opaque", "jwt", "paseto"]
    assert [f.severity for f in drift(up)] == [ADDITIVE]


def test_a_new_enum_value_we_read_is_breaking(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    # the generated client (literal_enums) raises on a value it does not know
    _m2m_201(up)["properties"]["object"]["enum"].append("machine_token")
    [finding] = drift(up)
    assert (finding.severity, finding.kind, finding.ours) == (BREAKING, "enum-changed", f"{M2M_201}.properties.object.enum")


def test_a_type_changed_is_breaking(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    _body(up, "/sessions/{session_id}/tokens")["properties"]["expires_in_seconds"]["type"] = "string"
    _m2m_201(up)["properties"]["expiration"]["type"] = "string"
    body = "paths./sessions/{session_id}/tokens.post.requestBody.content.application/json.schema.properties.expires_in_seconds"
    assert sorted(map(_key, drift(up))) == [
        (BREAKING, "CreateSessionToken", "type-changed", body, body),
        (BREAKING, "createM2MToken", "type-changed", f"{M2M_201}.properties.expiration", f"{M2M_201}.properties.expiration"),
    ]


def test_a_bound_we_send_beyond_is_breaking(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    lifetime = _body(up, "/sessions/{session_id}/tokens")["properties"]["expires_in_seconds"]
    lifetime["maximum"] = 86400  # ours allows up to 315360000
    [finding] = drift(up)
    assert (finding.severity, finding.kind, finding.message) == (BREAKING, "bound-changed", "maximum: ours 315360000, upstream 86400")
    lifetime["maximum"], lifetime["minimum"] = 315360000, 1  # ours: >= 30
    assert [(f.severity, f.kind) for f in drift(up)] == [(ADDITIVE, "bound-changed")]
    _m2m_201(up)["properties"]["id"]["pattern"] = "^m2m_"  # what we read is not validated: cosmetic
    assert sorted((f.severity, f.kind) for f in drift(up)) == [(ADDITIVE, "bound-changed"), (COSMETIC, "constraint-changed")]


def test_nullable_30_and_31_forms_are_the_same(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    props = _m2m_201(up)["properties"]
    props["expiration"] = {"type": ["number", "null"]}
    props["last_used_at"] = {"anyOf": [{"type": "number"}, {"type": "null"}]}
    _body(up, "/m2m_tokens")["properties"]["seconds_until_expiration"] = {
        "type": ["number", "null"],
        "minimum": 0,
        "exclusiveMinimum": True,
    }
    assert drift(up) == []
    props["subject"]["nullable"] = True  # upstream may now return null where we read a string
    [finding] = drift(up)
    assert (finding.severity, finding.kind, finding.ours) == (BREAKING, "nullable-changed", f"{M2M_201}.properties.subject")


def test_a_status_removed_is_breaking_an_error_status_cosmetic(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    responses = _op(up, "/m2m_tokens")["responses"]
    responses["2XX"] = responses.pop("201")
    assert [(f.severity, f.kind) for f in drift(up)] == [(COSMETIC, "status-range")]  # 201 is within 2XX
    del responses["2XX"], responses["409"]
    assert sorted(map(_key, drift(up))) == [
        (BREAKING, "createM2MToken", "status-removed", f"{M2M}.responses.201", "-"),
        (COSMETIC, "createM2MToken", "status-removed", f"{M2M}.responses.409", "-"),
    ]


def test_a_security_scheme_changed_is_breaking_a_renamed_one_is_not(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    schemes = up["components"]["securitySchemes"]
    schemes["ClerkBearer"] = schemes.pop("bearerAuth")
    up["security"] = [{"ClerkBearer": []}]
    assert drift(up) == []
    schemes["ClerkBearer"] = {"type": "apiKey", "in": "header", "name": "X-Clerk-Key"}
    findings = [f for f in drift(up) if f.severity == BREAKING]
    assert {(f.kind, f.ours, f.upstream) for f in findings} == {("security-changed", "security.0", "security")}
    assert len(findings) == 9  # every operation
    assert "http bearer" in findings[0].message and "apiKey header x-clerk-key" in findings[0].message
    assert {(f.severity, f.kind) for f in drift(up) if f not in findings} == {(ADDITIVE, "security-added")}


def test_a_ref_target_renamed_but_structurally_equal_is_no_drift(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    schemas = up["components"]["schemas"]
    schemas["SignInTokenV2"] = schemas.pop("SignInToken")
    _rename_refs(up, "#/components/schemas/SignInToken", "#/components/schemas/SignInTokenV2")
    assert drift(up) == []
    del schemas["SignInTokenV2"]["properties"]["url"]  # and the renamed target is still compared
    [finding] = [f for f in drift(up) if f.operation == "CreateSignInToken"]  # RevokeSignInToken answers it too
    assert (finding.kind, finding.ours) == (
        "property-removed",
        "paths./sign_in_tokens.post.responses.200.content.application/json.schema.properties.url",
    )


def test_a_response_that_no_longer_describes_its_fields_is_breaking(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    up["components"]["schemas"]["SignInToken"] = {"type": "object"}
    # + additionalProperties (cosmetic); RevokeSignInToken answers a SignInToken too
    [finding] = [f for f in drift(up) if f.severity != COSMETIC and f.operation == "CreateSignInToken"]
    assert (finding.severity, finding.kind) == (BREAKING, "properties-undescribed")
    assert finding.ours == "paths./sign_in_tokens.post.responses.200.content.application/json.schema"


def test_all_of_is_resolved(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    response = _op(up, "/sessions/{session_id}/tokens")["responses"]["200"]["content"]["application/json"]
    schema = response["schema"]
    up["components"]["schemas"]["Base"] = {"type": "object", "properties": {"object": schema["properties"]["object"]}}
    response["schema"] = {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"jwt": schema["properties"]["jwt"]}}]}
    assert drift(up) == []


def test_an_operation_is_matched_by_operation_id_when_its_path_changed(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    up["paths"]["/machine_tokens"] = up["paths"].pop("/m2m_tokens")
    [finding] = drift(up)
    assert _key(finding) == (BREAKING, "createM2MToken", "operation-moved", M2M, "paths./machine_tokens.post")
    del _op(up, "/machine_tokens")["responses"]["201"]["content"]["application/json"]["schema"]["properties"]["id"]
    assert [f.kind for f in drift(up)] == ["operation-moved", "property-removed"]  # still compared


def test_path_templates_are_normalised(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    item = up["paths"].pop("/m2m_tokens/{m2m_token_id}/revoke")
    item["post"]["parameters"][0]["name"] = "token_id"
    up["paths"]["/m2m_tokens/{token_id}/revoke"] = item
    [finding] = drift(up)
    assert (finding.severity, finding.kind, finding.operation) == (COSMETIC, "parameter-renamed", "revokeM2MToken")


def test_an_unknown_operation_is_breaking(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    del up["paths"]["/testing_tokens"]
    [finding] = drift(up)
    assert _key(finding) == (BREAKING, "CreateTestingToken", "operation-removed", "paths./testing_tokens.post", "-")


def test_drift_inside_an_error_response_is_cosmetic(up: Doc, drift: Callable[[Doc], list[Finding]]) -> None:
    errors = up["components"]["schemas"]["ClerkErrors"]
    errors["properties"]["errors"]["type"] = "object"
    assert {f.severity for f in drift(up)} == {COSMETIC}


def _recursive_doc(name: str, leaf_type: str) -> Doc:
    ref = f"#/components/schemas/{name}"
    node = {
        "type": "object",
        "properties": {
            "label": {"type": leaf_type},
            "children": {"type": "array", "items": {"$ref": ref}},
            "parent": {"allOf": [{"$ref": ref}]},
        },
    }
    responses = {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": ref}}}}}
    return {
        "openapi": "3.0.3",
        "paths": {"/tree": {"get": {"operationId": "getTree", "responses": responses}}},
        "components": {"schemas": {name: node}},
    }


def test_recursive_schemas_terminate() -> None:
    assert compare_documents(_recursive_doc("Node", "string"), _recursive_doc("Tree", "string")).findings == []
    [finding] = compare_documents(_recursive_doc("Node", "string"), _recursive_doc("Tree", "integer")).findings
    assert (finding.kind, finding.ours) == (
        "type-changed",
        "paths./tree.get.responses.200.content.application/json.schema.properties.label",
    )


# -- the command ------------------------------------------------------------------------------------------


def _write(tmp_path: Path, doc: Doc) -> str:
    path = tmp_path / "upstream.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_exit_codes_and_json(up: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path, up)
    assert main(["clerk", "--upstream", source, "--json"], root=REPO_ROOT) == 0
    clean = json.loads(capsys.readouterr().out)
    assert set(clean) == {"ours", "upstream", "accepted_file", "operations", "summary", "findings", "stale_accepted", "exit_code"}
    assert clean["operations"] == {"ours": 9, "matched": 9, "upstream": 9}
    assert clean["summary"]["breaking"] == 0 and clean["exit_code"] == 0 and clean["ours"] == "specs/clerk.yaml"

    del _m2m_201(up)["properties"]["token"]
    source = _write(tmp_path, up)
    assert main(["clerk", "--upstream", source, "--json"], root=REPO_ROOT) == 1
    report = json.loads(capsys.readouterr().out)
    [breaking] = [f for f in report["findings"] if f["severity"] == BREAKING]
    assert breaking == {
        "severity": BREAKING,
        "operation": "createM2MToken",
        "label": "POST /m2m_tokens",
        "kind": "property-removed",
        "message": "property 'token': we read it; upstream does not declare it",
        "ours": f"{M2M_201}.properties.token",
        "upstream": None,
        "accepted": None,
    }
    assert report["summary"]["breaking"] == 1 and report["exit_code"] == 1

    assert main(["clerk", "--upstream", source], root=REPO_ROOT) == 1
    text = capsys.readouterr().out
    assert "breaking  property 'token': we read it; upstream does not declare it [property-removed]" in text
    assert f"ours:     {M2M_201}.properties.token" in text and text.endswith("result: breaking drift (exit 1)\n")


def test_accepted_drift_is_reported_not_failed(up: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    del _m2m_201(up)["properties"]["token"]
    source = _write(tmp_path, up)
    accepted = tmp_path / "clerk.drift-accepted.yaml"
    accepted.write_text(
        "accepted:\n"
        "  - operation: createM2MToken\n    kind: property-removed\n"
        f"    ours: {M2M_201}.properties.token\n    reason: reviewed in a test\n"
        "  - operation: CreateTestingToken\n    ours: paths./nowhere\n    reason: stale on purpose\n",
        encoding="utf-8",
    )
    assert main(["clerk", "--upstream", source, "--accepted", str(accepted), "--json"], root=REPO_ROOT) == 0
    report = json.loads(capsys.readouterr().out)
    assert [f["accepted"] for f in report["findings"] if f["severity"] == BREAKING] == ["reviewed in a test"]
    assert report["summary"]["accepted"] == 1 and report["summary"]["breaking"] == 0
    assert [entry["ours"] for entry in report["stale_accepted"]] == ["paths./nowhere"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["clerk", "--upstream", "/nonexistent.yaml"], "error: spec '/nonexistent.yaml' not found\n"),
        (["Clerk!", "--upstream", "x.yaml"], "error: provider 'Clerk!' is not a provider name"),
        (["nosuch", "--upstream", "x.yaml"], "error: our spec '"),
        (["clerk", "--upstream", str(CLERK_SPEC), "--accepted", "/nonexistent.yaml"], "error: cannot read accepted-drift file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args, root=REPO_ROOT) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_an_accepted_entry_without_a_reason_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    accepted = tmp_path / "a.yaml"
    accepted.write_text("accepted:\n  - operation: createM2MToken\n    ours: paths./m2m_tokens.post\n", encoding="utf-8")
    assert main(["clerk", "--upstream", str(CLERK_SPEC), "--accepted", str(accepted)], root=REPO_ROOT) == 2
    assert capsys.readouterr().err == f"error: {accepted}: accepted[0]: 'reason' must be a non-empty string\n"


@pytest.mark.parametrize(("provider", "source"), REAL, ids=[f"{p}-{s.split('-')[1]}" for p, s in REAL])
def test_the_real_specs_have_no_unreviewed_breaking_drift(provider: str, source: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([provider, "--upstream", str(upstream(source)), "--json"], root=REPO_ROOT) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["operations"]["matched"] == report["operations"]["ours"] > 0
    assert report["stale_accepted"] == []


def test_the_telnyx_accepted_entry_is_needed(capsys: pytest.CaptureFixture[str]) -> None:
    source = str(upstream("telnyx-sdk-client-credentials.yml"))
    assert main(["telnyx", "--upstream", source, "--no-accepted"], root=REPO_ROOT) == 1
    assert "breaking  header parameter 'Idempotency-Key'" in capsys.readouterr().out


def test_the_script(tmp_path: Path) -> None:
    ours = tmp_path / "unleash.yaml"
    ours.write_text((REPO_ROOT / "specs" / "unleash.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_script("spec_drift.py", "unleash", "--ours", ours, "--upstream", upstream("unleash-8.2.0-openapi.json"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ours"] == str(ours) and report["accepted_file"] is None


def test_plugin_authors_run_it_from_their_plugin(tmp_path: Path) -> None:
    # a scaffolded plugin has specs/<name>.yaml and anytoken installed, not this repository's scripts/
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "unleash.yaml").write_bytes((REPO_ROOT / "specs" / "unleash.yaml").read_bytes())
    source = upstream("unleash-8.2.0-openapi.json")
    command = [sys.executable, "-m", "anytoken.devkit.spec_drift", "unleash", "--upstream", str(source), "--json"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ours"] == "specs/unleash.yaml"
    assert "python -m anytoken.devkit.spec_drift $name --upstream" in README.template


def test_integer_status_keys_and_external_references(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ours = _recursive_doc("Node", "string")
    ours["paths"]["/tree"]["get"]["responses"] = {200: ours["paths"]["/tree"]["get"]["responses"]["200"]}  # YAML `200:`
    assert compare_documents(ours, _recursive_doc("Tree", "string")).findings == []
    external = _recursive_doc("Tree", "string")
    external["components"]["schemas"]["Tree"]["properties"]["label"] = {"$ref": "common.yaml#/Label"}
    source = _write(tmp_path, external)
    mine = tmp_path / "tree.json"
    mine.write_text(json.dumps(_recursive_doc("Node", "string")), encoding="utf-8")
    assert main(["tree", "--ours", str(mine), "--upstream", source], root=REPO_ROOT) == 2
    assert capsys.readouterr().err == "error: external reference 'common.yaml#/Label' is not supported; inline or bundle it first\n"
