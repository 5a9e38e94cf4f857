"""Our operations matched with upstream's and compared: parameters, request body, responses, security."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from anytoken.devkit.openapi import Operation, deref, iter_operations
from anytoken.devkit.spec_drift._findings import ADDITIVE, BREAKING, COSMETIC, READ, SEND, Finding, Recorder, join
from anytoken.devkit.spec_drift._schema import SchemaComparer

_TEMPLATE = re.compile(r"\{[^}/]*\}")
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})  # OpenAPI: described elsewhere


def normalise_path(path: str) -> str:
    """``/credentials/{credential_id}/`` → ``/credentials/{}``: templates compared by position, not name."""
    return _TEMPLATE.sub("{}", path.rstrip("/") or "/")


def template_names(path: str) -> list[str]:
    return [match[1:-1] for match in _TEMPLATE.findall(path)]


def operation_path(op: Operation) -> str:
    return f"paths.{op.path}.{op.method}"


@dataclasses.dataclass
class Report:
    """The findings of one comparison, and how many operations were compared."""

    ours: str
    upstream: str
    operations: int
    matched: int
    upstream_operations: int
    findings: list[Finding]

    def count(self, severity: str) -> int:
        """Findings of ``severity`` that no accepted-drift entry covers."""
        return sum(1 for f in self.findings if f.severity == severity and f.accepted is None)

    @property
    def breaking(self) -> bool:
        return self.count(BREAKING) > 0


class _UpstreamIndex:
    def __init__(self, doc: Any) -> None:
        self.operations = list(iter_operations(doc))
        self.by_path = {(op.method, normalise_path(op.path)): op for op in self.operations}
        self.by_id = {op.operation_id: op for op in self.operations if op.operation_id}

    def match(self, op: Operation) -> tuple[Operation | None, str]:
        found = self.by_path.get((op.method, normalise_path(op.path)))
        if found is not None:
            return found, "path"
        return (self.by_id.get(op.operation_id) if op.operation_id else None), "operationId"


def compare_documents(ours: Any, upstream: Any, ours_name: str = "ours", upstream_name: str = "upstream") -> Report:
    """Compare every operation of ``ours`` with the same operation of ``upstream`` (both parsed documents)."""
    index = _UpstreamIndex(upstream)
    findings: list[Finding] = []
    matched = 0
    operations = list(iter_operations(ours))
    for op in operations:
        rec = Recorder(op.key, op.label)
        theirs, how = index.match(op)
        if theirs is None:
            message = f"{op.label}: no upstream operation with this method and path" + (
                f" or operationId {op.operation_id!r}" if op.operation_id else ""
            )
            rec.add(BREAKING, "operation-removed", message, operation_path(op), None)
        else:
            matched += 1
            _OperationComparer(ours, upstream, op, theirs, rec).run(how)
        findings += rec.findings
    return Report(ours_name, upstream_name, len(operations), matched, len(index.operations), findings)


class _OperationComparer:
    def __init__(self, ours_doc: Any, up_doc: Any, op: Operation, up: Operation, rec: Recorder) -> None:
        self.ours_doc, self.up_doc, self.op, self.up, self.rec = ours_doc, up_doc, op, up, rec
        self.schemas = SchemaComparer(ours_doc, up_doc, rec)
        self.o_at, self.u_at = operation_path(op), operation_path(up)

    def run(self, how: str) -> None:
        self._identity(how)
        self._parameters()
        self._request_body()
        self._responses()
        self._security()

    def _identity(self, how: str) -> None:
        if how == "operationId":
            message = f"moved: upstream serves {self.op.operation_id!r} at {self.up.label}, we call {self.op.label}"
            self.rec.add(BREAKING, "operation-moved", message, self.o_at, self.u_at)
        elif self.op.operation_id and self.up.operation_id and self.op.operation_id != self.up.operation_id:
            message = f"operationId: ours {self.op.operation_id!r}, upstream {self.up.operation_id!r}"
            self.rec.add(COSMETIC, "operation-id-changed", message, join(self.o_at, "operationId"), join(self.u_at, "operationId"))

    # -- parameters ------------------------------------------------------------------------------------

    def _parameters(self) -> None:
        ours, theirs = _effective_parameters(self.ours_doc, self.op), _effective_parameters(self.up_doc, self.up)
        for key, (param, at) in ours.items():
            name = f"{param.get('in')} parameter {param.get('name')!r}"
            if key not in theirs:
                self.rec.add(BREAKING, "parameter-removed", f"{name}: we send it; upstream does not declare it", at, None)
                continue
            other, u_at = theirs[key]
            if other.get("name") != param.get("name"):
                self.rec.add(
                    COSMETIC, "parameter-renamed", f"{name}: named {other.get('name')!r} upstream", join(at, "name"), join(u_at, "name")
                )
            if other.get("required") is True and param.get("required") is not True:
                self.rec.add(BREAKING, "parameter-required", f"{name}: required upstream; we may omit it", at, u_at)
            elif param.get("required") is True and other.get("required") is not True:
                self.rec.add(ADDITIVE, "parameter-optional", f"{name}: optional upstream", at, u_at)
            self.schemas.compare(_parameter_schema(param), _parameter_schema(other), join(at, "schema"), join(u_at, "schema"), SEND)
        for key, (other, u_at) in theirs.items():
            if key in ours:
                continue
            name = f"{other.get('in')} parameter {other.get('name')!r}"
            if other.get("required") is True:
                self.rec.add(BREAKING, "parameter-added", f"{name}: new and required upstream", None, u_at)
            else:
                self.rec.add(ADDITIVE, "parameter-added", f"{name}: new upstream (optional)", None, u_at)

    # -- request body ----------------------------------------------------------------------------------

    def _request_body(self) -> None:
        o_at, u_at = join(self.o_at, "requestBody"), join(self.u_at, "requestBody")
        mine, theirs = deref(self.ours_doc, self.op.node.get("requestBody")), deref(self.up_doc, self.up.node.get("requestBody"))
        if not isinstance(mine, dict) and not isinstance(theirs, dict):
            return
        if not isinstance(theirs, dict):
            self.rec.add(BREAKING, "request-body-removed", "request body: we send one; upstream declares none", o_at, None)
            return
        if not isinstance(mine, dict):
            required = theirs.get("required") is True
            self.rec.add(
                BREAKING if required else ADDITIVE,
                "request-body-added",
                "request body: new upstream" + (" and required" if required else ""),
                None,
                u_at,
            )
            return
        if theirs.get("required") is True and mine.get("required") is not True:
            self.rec.add(BREAKING, "request-body-required", "request body: required upstream; we may omit it", o_at, u_at)
        elif mine.get("required") is True and theirs.get("required") is not True:
            self.rec.add(ADDITIVE, "request-body-optional", "request body: optional upstream", o_at, u_at)
        self._content(mine, theirs, o_at, u_at, SEND)

    def _content(self, mine: dict[str, Any], theirs: dict[str, Any], o_at: str | None, u_at: str | None, direction: str) -> None:
        ours, up = _media_types(mine), _media_types(theirs)
        for media, (raw, node) in ours.items():
            found = up.get(media) or up.get(media.split("/")[0] + "/*") or up.get("*/*")
            at = join(o_at, "content", raw)
            if found is None:
                verb = "we send" if direction == SEND else "we read"
                offered = ", ".join(raw for raw, _ in up.values()) or "none"
                self.rec.add(
                    BREAKING, "content-type-removed", f"content type {raw}: {verb} it; upstream has {offered}", at, join(u_at, "content")
                )
                continue
            u_raw, u_node = found
            self.schemas.compare(
                node.get("schema", {}), u_node.get("schema", {}), join(at, "schema"), join(u_at, "content", u_raw, "schema"), direction
            )
        for media, (raw, _) in up.items():
            if media not in ours:
                self.rec.add(ADDITIVE, "content-type-added", f"content type {raw}: new upstream", None, join(u_at, "content", raw))

    # -- responses -------------------------------------------------------------------------------------

    def _responses(self) -> None:
        ours, theirs = _statuses(self.op.node), _statuses(self.up.node)
        covered: set[str] = set()
        for code, raw in ours.items():
            at = join(self.o_at, "responses", raw)
            success = code[0] in "123"
            u_code = _upstream_status(code, theirs, success)
            if u_code is None:
                severity = BREAKING if success else COSMETIC
                message = (
                    f"status {raw}: we rely on it; upstream does not declare it"
                    if success
                    else f"status {raw}: not declared upstream (an error status)"
                )
                self.rec.add(severity, "status-removed", message, at, None)
                continue
            covered.add(u_code)
            u_at = join(self.u_at, "responses", theirs[u_code])
            if u_code != code:
                self.rec.add(COSMETIC, "status-range", f"status {raw}: declared upstream as {theirs[u_code]}", at, u_at)
            self.rec.error_response = not success
            try:
                self._response(raw, theirs[u_code], at, u_at)
            finally:
                self.rec.error_response = False
        for code, raw in theirs.items():
            if code not in covered and code not in ours:
                self.rec.add(ADDITIVE, "status-added", f"status {raw}: new upstream", None, join(self.u_at, "responses", raw))

    def _response(self, raw: Any, u_raw: Any, at: str | None, u_at: str | None) -> None:
        mine = deref(self.ours_doc, self.op.node["responses"][raw])
        theirs = deref(self.up_doc, self.up.node["responses"][u_raw])
        if not isinstance(mine, dict) or not isinstance(theirs, dict):
            return
        self._headers(mine, theirs, at, u_at)
        self._content(mine, theirs, at, u_at, READ)

    def _headers(self, mine: dict[str, Any], theirs: dict[str, Any], at: str | None, u_at: str | None) -> None:
        ours = {k.lower(): k for k in mine.get("headers") or {} if k.lower() not in _IGNORED_HEADERS}
        up = {k.lower(): k for k in theirs.get("headers") or {} if k.lower() not in _IGNORED_HEADERS}
        for name, raw in ours.items():
            h_at = join(at, "headers", raw)
            if name not in up:
                self.rec.add(BREAKING, "header-removed", f"header {raw}: we read it; upstream does not declare it", h_at, None)
                continue
            u_h_at = join(u_at, "headers", up[name])
            mine_h = deref(self.ours_doc, mine["headers"][raw])
            theirs_h = deref(self.up_doc, theirs["headers"][up[name]])
            self.schemas.compare(_parameter_schema(mine_h), _parameter_schema(theirs_h), join(h_at, "schema"), join(u_h_at, "schema"), READ)
        for name, raw in up.items():
            if name not in ours:
                self.rec.add(ADDITIVE, "header-added", f"header {raw}: new upstream", None, join(u_at, "headers", raw))

    # -- security --------------------------------------------------------------------------------------

    def _security(self) -> None:
        ours, o_at = _alternatives(self.ours_doc, self.op, self.o_at)
        theirs, u_at = _alternatives(self.up_doc, self.up, self.u_at)
        accepted = ", ".join(_describe(sig) for sig in theirs) or "none"
        for sig, index in ours.items():
            if sig not in theirs:
                message = f"security: we authenticate with {_describe(sig)}; upstream accepts {accepted}"
                self.rec.add(BREAKING, "security-changed", message, join(o_at, index), u_at)
        for sig, index in theirs.items():
            if sig not in ours:
                self.rec.add(ADDITIVE, "security-added", f"security: upstream also accepts {_describe(sig)}", o_at, join(u_at, index))


def _effective_parameters(doc: Any, op: Operation) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
    """Path-level then operation-level parameters (the latter win), keyed by location and name.

    Path parameters are keyed by their position in the template, so ``{id}`` and ``{credential_id}`` match.
    """
    names = template_names(op.path)
    found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    sources = ((f"paths.{op.path}", op.path_item.get("parameters")), (operation_path(op), op.node.get("parameters")))
    for base, params in sources:
        for i, param in enumerate(params if isinstance(params, list) else []):
            resolved = deref(doc, param)
            if not isinstance(resolved, dict):
                continue
            location, name = str(resolved.get("in")), str(resolved.get("name"))
            if location == "header" and name.lower() in _IGNORED_HEADERS:
                continue
            if location == "path" and name in names:
                key = ("path", f"#{names.index(name)}")
            else:
                key = (location, name.lower() if location == "header" else name)
            found[key] = (resolved, f"{base}.parameters.{i}")
    return found


def _parameter_schema(node: Any) -> Any:
    """A parameter's or header's ``schema``, or the schema of its single ``content`` entry."""
    if not isinstance(node, dict):
        return {}
    if "schema" in node:
        return node["schema"]
    content = node.get("content")
    if isinstance(content, dict) and content:
        media = next(iter(content.values()))
        return media.get("schema", {}) if isinstance(media, dict) else {}
    return {}


def _media_types(node: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    content = node.get("content")
    if not isinstance(content, dict):
        return {}
    return {raw.split(";")[0].strip().lower(): (raw, media if isinstance(media, dict) else {}) for raw, media in content.items()}


def _statuses(node: dict[str, Any]) -> dict[str, Any]:
    """``{normalised code: the key as written}``; ``2xx`` → ``2XX`` (a YAML ``200:`` key may be an int)."""
    responses = node.get("responses")
    if not isinstance(responses, dict):
        return {}
    return {str(code).upper() if str(code) != "default" else "default": code for code in responses}


def _upstream_status(code: str, theirs: dict[str, Any], success: bool) -> str | None:
    if code in theirs:
        return code
    if code.endswith("XX"):
        return next((c for c in theirs if c[0] == code[0]), None)
    if code[0] + "XX" in theirs:
        return code[0] + "XX"
    if not success and "default" in theirs:
        return "default"
    return None


Signature = frozenset[tuple[str, ...]]


def _alternatives(doc: Any, op: Operation, at: str) -> tuple[dict[Signature, int], str]:
    """The accepted ways to authenticate (one signature per security requirement) and where they are."""
    if "security" in op.node:
        requirements, where = op.node["security"], join(at, "security")
    else:
        requirements, where = doc.get("security") or [], "security"
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    found: dict[Signature, int] = {}
    for i, requirement in enumerate(requirements if isinstance(requirements, list) else []):
        if isinstance(requirement, dict):
            signature = frozenset(_scheme(doc, schemes, name, scopes) for name, scopes in requirement.items())
            found.setdefault(signature, i)
    return (found or {frozenset(): 0}), str(where)


def _scheme(doc: Any, schemes: dict[str, Any], name: str, scopes: Any) -> tuple[str, ...]:
    scheme = deref(doc, schemes.get(name))
    scope_list = ",".join(sorted(map(str, scopes))) if isinstance(scopes, list) else ""
    if not isinstance(scheme, dict):
        return ("undefined scheme", name)
    kind = str(scheme.get("type"))
    if kind == "http":
        return ("http", str(scheme.get("scheme", "")).lower(), scope_list)
    if kind == "apiKey":
        key = str(scheme.get("name", ""))
        return ("apiKey", str(scheme.get("in")), key.lower() if scheme.get("in") == "header" else key, scope_list)
    if kind == "oauth2":
        flows = {
            flow: [f.get("tokenUrl"), f.get("authorizationUrl")] for flow, f in (scheme.get("flows") or {}).items() if isinstance(f, dict)
        }
        return ("oauth2", json.dumps(flows, sort_keys=True), scope_list)
    if kind == "openIdConnect":
        return ("openIdConnect", str(scheme.get("openIdConnectUrl")), scope_list)
    return (kind, scope_list)


def _describe(signature: Signature) -> str:
    if not signature:
        return "no authentication"
    parts = [" ".join(p for p in scheme if p) for scheme in sorted(signature)]
    return "(" + " + ".join(parts) + ")" if len(parts) > 1 else parts[0]
