"""What the scaffold infers from a spec: auth, parameters, where the token and its expiry are, samples.

Everything here is plain data (:class:`PluginModel`), rendered into files by ``_render``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import attrs

from anytoken.openapi import Operation, deref

from ._errors import ScaffoldError

_TOKEN_NAMES = (
    "access_token",
    "accessToken",
    "token",
    "jwt",
    "id_token",
    "idToken",
    "session_token",
    "sessionToken",
    "api_token",
    "apiToken",
    "secret",
    "key",
    "value",
)
_EXPIRY_NAMES = (
    "expires_in",
    "expiresIn",
    "expires_at",
    "expiresAt",
    "expiration",
    "expiration_time",
    "expirationTime",
    "expires",
    "expiry",
    "expire_at",
    "expireAt",
    "exp",
    "ttl",
)
_KEYISH_FIELDS = ("api_key", "apiKey", "apikey", "key", "secret", "client_secret", "clientSecret", "secret_key", "secretKey")
_VERBS = ("create", "get", "issue", "generate", "mint", "post", "new", "request", "fetch", "obtain")
_JSON_TYPES = ("application/json",)


@attrs.frozen
class Auth:
    """``bearer`` (``Authorization: Bearer KEY``), ``header`` (``NAME: KEY``) or ``body`` (JSON field ``NAME``)."""

    mode: str
    name: str = ""

    @classmethod
    def parse(cls, text: str) -> Auth:
        mode, _, name = text.partition(":")
        mode = mode.strip().lower()
        name = name.strip()
        if mode == "bearer" and not name:
            return cls("bearer")
        if mode in ("header", "body") and name and re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
            return cls(mode, name)
        raise ScaffoldError(f"--auth {text!r}: expected bearer, header:NAME or body:FIELD")

    def describe(self) -> str:
        return {"bearer": "Authorization: Bearer <key>", "header": f"{self.name}: <key>", "body": f"JSON body field {self.name!r}"}[
            self.mode
        ]


@attrs.define
class ParamModel:
    name: str
    wire: str
    location: str  # path | query | header | body
    type: str
    required: bool
    help: str
    choices: tuple[str, ...] | None = None
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    example: Any = None
    python: str = ""  # the generated function's keyword argument (path/query/header)


@attrs.define
class OperationModel:
    operation_id: str
    method: str
    path: str
    kind: str
    help: str
    status: int
    text: bool
    token_path: str
    expires_path: str | None
    expires_style: str | None  # "in" (seconds from now), "epoch" (s or ms), "iso"
    params: list[ParamModel]
    has_body: bool
    body_required: list[str]
    body_content: str
    success_sample: Any
    error_samples: dict[int, Any]
    declared: list[int] = attrs.field(factory=list)
    auth_header_param: bool = False
    auth_python: str = ""
    module: str = ""
    body_model: tuple[str, str] | None = None


@attrs.define
class PluginModel:
    name: str
    title: str
    description: str
    auth: Auth
    env: str
    base_url: str | None
    base_url_env: str
    base_path: str
    operations: list[OperationModel]

    @property
    def dist(self) -> str:
        return f"anytoken-{self.name}"

    @property
    def package(self) -> str:
        return f"anytoken_{self.name.replace('-', '_')}"

    @property
    def client_package(self) -> str:
        return f"{self.package}_client"

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in re.split(r"[-_]", self.name)) + "Provider"


# -- names --------------------------------------------------------------------------------------------


def snake(name: str) -> str:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"[^0-9A-Za-z]+", "_", s).strip("_").lower()
    if not s:
        s = "value"
    if s[0].isdigit():
        s = f"p_{s}"
    return s


def norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def kind_name(operation_id: str) -> str:
    words = snake(operation_id).split("_")
    if len(words) > 1 and words[0] in _VERBS:
        words = words[1:]
    return "_".join(words) or "token"


# -- schemas ------------------------------------------------------------------------------------------


def merged(doc: Any, schema: Any, depth: int = 0) -> dict[str, Any]:
    """The schema with ``$ref`` followed and ``allOf`` members merged (properties and required)."""
    schema = deref(doc, schema)
    if not isinstance(schema, dict):
        return {}
    if "allOf" not in schema or depth > 8:
        return schema
    out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    props: dict[str, Any] = dict(out.get("properties", {}))
    required: list[str] = list(out.get("required", []))
    for member in schema["allOf"]:
        m = merged(doc, member, depth + 1)
        props.update(m.get("properties", {}))
        required.extend(r for r in m.get("required", []) if r not in required)
        for key in ("type", "description"):
            if key in m and key not in out:
                out[key] = m[key]
    out["properties"] = props
    out["required"] = required
    return out


def _first_variant(doc: Any, schema: dict[str, Any]) -> dict[str, Any]:
    for key in ("oneOf", "anyOf"):
        variants = schema.get(key)
        if isinstance(variants, list) and variants:
            non_null = [v for v in variants if merged(doc, v).get("type") != "null"]
            return merged(doc, (non_null or variants)[0])
    return schema


def schema_type(schema: dict[str, Any]) -> str | None:
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    return t if isinstance(t, str) else None


def sample(doc: Any, schema: Any, depth: int = 0) -> Any:
    """A value valid for ``schema`` (required properties only), for the sandbox and the examples."""
    s = _first_variant(doc, merged(doc, schema))
    if depth > 6:
        return None
    for key in ("example", "default"):
        if key in s and s[key] is not None:
            return s[key]
    if isinstance(s.get("enum"), list) and s["enum"]:
        return s["enum"][0]
    t = schema_type(s) or ("object" if "properties" in s else None)
    if t == "object":
        props = s.get("properties", {})
        return {name: sample(doc, props[name], depth + 1) for name in s.get("required", []) if name in props}
    if t == "array":
        n = int(s.get("minItems", 0) or 0)
        return [sample(doc, s.get("items", {}), depth + 1) for _ in range(min(n, 3))]
    if t == "string":
        fmt = s.get("format")
        if fmt == "date-time":
            return "2030-01-01T00:00:00Z"
        if fmt == "date":
            return "2030-01-01"
        if fmt == "uuid":
            return "00000000-0000-4000-8000-000000000000"
        if fmt in ("uri", "url"):
            return "https://example.com/"
        if fmt == "email":
            return "user@example.com"
        return "example"
    if t == "integer":
        return max(int(s.get("minimum", 1) or 1), 1)
    if t == "number":
        return float(max(s.get("minimum", 1) or 1, 1))
    if t == "boolean":
        return True
    return None


def iter_fields(doc: Any, schema: Any, prefix: str = "", depth: int = 0) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(dotted.path, schema)`` of every property, breadth-first order within an object."""
    s = _first_variant(doc, merged(doc, schema))
    if depth > 4 or not isinstance(s.get("properties"), dict):
        return
    nested: list[tuple[str, Any]] = []
    for name, prop in s["properties"].items():
        p = _first_variant(doc, merged(doc, prop))
        path = f"{prefix}{name}"
        yield path, p
        if schema_type(p) == "object" or "properties" in p:
            nested.append((path, prop))
    for path, prop in nested:
        yield from iter_fields(doc, prop, f"{path}.", depth + 1)


def _param_type(s: dict[str, Any]) -> str:
    t = schema_type(s)
    if t == "string":
        return "str"
    if t in ("integer", "number", "boolean"):
        return {"integer": "int", "number": "float", "boolean": "bool"}[t]
    if t == "array":
        items = merged({}, s.get("items", {})) if "$ref" not in s.get("items", {}) else {}
        return "str_list" if schema_type(items) == "string" else "json"
    if t == "object" or "properties" in s:
        return "object"
    return "json"


def _param(doc: Any, name: str, wire: str, location: str, schema: Any, required: bool, help_text: str) -> ParamModel:
    s = _first_variant(doc, merged(doc, schema))
    ptype = _param_type(s)
    enum = s.get("enum")
    choices = tuple(enum) if ptype == "str" and isinstance(enum, list) and enum and all(isinstance(e, str) for e in enum) else None
    default = s.get("default") if isinstance(s.get("default"), str | int | float | bool) else None
    help_text = " ".join((help_text or s.get("description") or s.get("title") or "").split())
    if not help_text:
        help_text = {"path": f"{wire} (path)", "query": f"{wire} (query)", "header": f"{wire} header"}.get(
            location, f"{wire} field of the body"
        )
    example: Any = f"example-{name.replace('_', '-')}" if location == "path" else sample(doc, s)
    if example is None:
        example = "example"
    return ParamModel(
        name=name,
        wire=wire,
        location=location,
        type=ptype,
        required=required,
        help=help_text[:200],
        choices=choices,
        default=default,
        minimum=s.get("minimum") if ptype in ("int", "float") else None,
        maximum=s.get("maximum") if ptype in ("int", "float") else None,
        example=example,
    )


# -- inference ----------------------------------------------------------------------------------------


def infer_auth(doc: dict[str, Any], op: Operation) -> Auth:
    security = op.node.get("security", doc.get("security", []))
    schemes = doc.get("components", {}).get("securitySchemes", {})
    for requirement in security or []:
        if not isinstance(requirement, dict):
            continue
        for name in requirement:
            scheme = deref(doc, schemes.get(name, {}))
            if not isinstance(scheme, dict):
                continue
            kind = str(scheme.get("type", "")).lower()
            if kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
                return Auth("bearer")
            if kind == "apikey" and scheme.get("in") == "header" and scheme.get("name"):
                header = str(scheme["name"])
                return Auth("bearer") if header.lower() == "authorization" else Auth("header", header)
            if kind in ("oauth2", "openidconnect"):
                return Auth("bearer")
    for param in _parameters(doc, op):
        if param.get("in") == "header" and param.get("required") and re.search(r"key|token|auth|secret", str(param.get("name", "")), re.I):
            return Auth("header", str(param["name"]))
    body = _body_schema(doc, op)[1]
    if body is not None:
        props = merged(doc, body).get("properties", {})
        for field in _KEYISH_FIELDS:
            if field in props:
                return Auth("body", field)
    raise ScaffoldError(
        f"cannot tell how {op.operation_id} authenticates (no bearer/apiKey-in-header security scheme, no key field); "
        "pass --auth bearer, --auth header:NAME or --auth body:FIELD"
    )


def _parameters(doc: dict[str, Any], op: Operation) -> list[dict[str, Any]]:
    merged_params: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*op.path_item.get("parameters", []), *op.node.get("parameters", [])]:
        p = deref(doc, raw)
        if isinstance(p, dict) and "name" in p and "in" in p:
            merged_params[(str(p["name"]), str(p["in"]))] = p
    return list(merged_params.values())


def _body_schema(doc: dict[str, Any], op: Operation) -> tuple[str, Any, bool]:
    body = deref(doc, op.node.get("requestBody"))
    if not isinstance(body, dict):
        return "", None, False
    content = body.get("content", {})
    for media in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data"):
        if media in content:
            return media, content[media].get("schema", {}), bool(body.get("required", False))
    for media, entry in content.items():
        if media.endswith("+json"):
            return media, entry.get("schema", {}), bool(body.get("required", False))
    raise ScaffoldError(f"{op.operation_id}: request body type {', '.join(content) or '?'} is not supported (JSON or form bodies)")


def _success(doc: dict[str, Any], op: Operation, token_flag: str | None) -> tuple[int, str, Any]:
    responses = op.node.get("responses", {})
    codes = sorted(str(c) for c in responses if re.fullmatch(r"2\d\d", str(c)))
    if not codes:
        raise ScaffoldError(f"{op.operation_id} documents no 2xx response; the token must come from one")
    status = int(codes[0])
    response = deref(doc, responses.get(codes[0], responses.get(int(codes[0]))))
    content = response.get("content", {}) if isinstance(response, dict) else {}
    json_media = next((m for m in content if m in _JSON_TYPES or m.endswith("+json")), None)
    if token_flag == "text" or (json_media is None and any(m.startswith("text/") for m in content)):
        return status, "text", None
    if json_media is None:
        raise ScaffoldError(f"{op.operation_id}: its {status} response has no JSON or text body to read the token from")
    return status, json_media, content[json_media].get("schema", {})


def _find(doc: Any, schema: Any, names: Sequence[str], near: str = "") -> tuple[str, dict[str, Any]] | None:
    fields = list(iter_fields(doc, schema))
    parent = near.rpartition(".")[0]
    for name in names:
        for path, s in fields:
            if path.rpartition(".")[0] == parent and path.rpartition(".")[2] == name:
                return path, s
    for name in names:
        for path, s in fields:
            if path.rpartition(".")[2] == name:
                return path, s
    return None


def _expires_style(path: str, s: dict[str, Any]) -> str:
    leaf = path.rpartition(".")[2].lower()
    if leaf in ("expires_in", "expiresin", "ttl") or leaf.endswith("_in"):
        return "in"
    return "iso" if schema_type(s) == "string" else "epoch"


def analyze_operation(doc: dict[str, Any], op: Operation, auth: Auth, token_flag: str | None, expires_flag: str | None) -> OperationModel:
    assert op.operation_id is not None
    params: list[ParamModel] = []
    auth_header_param = False
    for p in _parameters(doc, op):
        where, wire = str(p["in"]), str(p["name"])
        if where == "cookie":
            if p.get("required"):
                raise ScaffoldError(f"{op.operation_id}: required cookie parameter {wire!r} is not supported")
            continue
        if where == "header" and auth.mode == "header" and wire.lower() == auth.name.lower():
            auth_header_param = True
            continue
        if where == "header" and wire.lower() in ("authorization", "content-type", "accept"):
            continue
        required = bool(p.get("required")) or where == "path"
        params.append(_param(doc, snake(wire), wire, where, p.get("schema", {}), required, str(p.get("description", ""))))
    media, body, _body_required = _body_schema(doc, op)
    required_fields: list[str] = []
    if body is not None:
        b = merged(doc, body)
        if schema_type(b) not in (None, "object") and "properties" not in b:
            raise ScaffoldError(f"{op.operation_id}: the request body is a {schema_type(b)}; the scaffold handles object bodies")
        required_fields = [str(r) for r in b.get("required", [])]
        for wire, prop in b.get("properties", {}).items():
            ps = merged(doc, prop)
            if ps.get("readOnly") or (auth.mode == "body" and wire == auth.name):
                continue
            name = snake(wire)
            if any(x.name == name for x in params):
                name = f"body_{name}"
            params.append(_param(doc, name, wire, "body", prop, wire in required_fields, str(ps.get("description", ""))))
    elif auth.mode == "body":
        raise ScaffoldError(f"--auth body:{auth.name}: {op.operation_id} has no request body")

    status, content_type, schema = _success(doc, op, token_flag)
    text = content_type == "text"
    token_path, expires_path, expires_style = "text", None, None
    success: Any = None
    if not text:
        fields = {p: s for p, s in iter_fields(doc, schema)}
        for flag, value in (("--token-field", token_flag), ("--expires-field", expires_flag)):
            if value and value not in fields:
                raise ScaffoldError(
                    f"{flag} {value!r} is not a field of {op.operation_id}'s {status} response (fields: {', '.join(fields) or 'none'})"
                )
        if token_flag:
            token_path = token_flag
        else:
            found = _find(doc, schema, _TOKEN_NAMES)
            if found is None:
                names = ", ".join(fields) or "none"
                raise ScaffoldError(
                    f"cannot find the token in {op.operation_id}'s {status} response (fields: {names}); pass --token-field PATH"
                )
            token_path = found[0]
        if expires_flag:
            expires_path, expires_style = expires_flag, _expires_style(expires_flag, fields[expires_flag])
        else:
            exp = _find(doc, schema, _EXPIRY_NAMES, near=token_path)
            if exp is not None:
                expires_path, expires_style = exp[0], _expires_style(*exp)
        success = sample(doc, schema)
        if not isinstance(success, dict):
            success = {}
    errors: dict[int, Any] = {}
    for code in (400, 401, 404, 422):
        response = deref(doc, op.node.get("responses", {}).get(str(code)))
        content = response.get("content", {}) if isinstance(response, dict) else {}
        media_type = next((m for m in content if m in _JSON_TYPES or m.endswith("+json")), None)
        if media_type is not None:
            body_sample = sample(doc, content[media_type].get("schema", {}))
            if isinstance(body_sample, dict):
                for path, s in iter_fields(doc, content[media_type].get("schema", {})):
                    if "." not in path and path in ("message", "error", "detail", "title", "description") and schema_type(s) == "string":
                        body_sample[path] = "{message}"
                if "{message}" not in body_sample.values():
                    body_sample["message"] = "{message}"
                errors[code] = body_sample
    summary = " ".join(str(op.node.get("summary") or op.node.get("description") or op.operation_id).split())
    return OperationModel(
        operation_id=op.operation_id,
        method=op.method,
        path=op.path,
        kind=kind_name(op.operation_id),
        help=summary[:200],
        status=status,
        text=text,
        token_path=token_path,
        expires_path=expires_path,
        expires_style=expires_style,
        params=params,
        has_body=body is not None,
        body_required=[r for r in required_fields if not (auth.mode == "body" and r == auth.name)],
        body_content=media,
        success_sample=success,
        error_samples=errors,
        declared=sorted(int(c) for c in op.node.get("responses", {}) if str(c).isdigit()),
        auth_header_param=auth_header_param,
    )


def base_url_of(doc: dict[str, Any]) -> tuple[str | None, str]:
    """``(absolute base URL or None, its path)`` from the first server (variables take their defaults)."""
    servers = doc.get("servers") or []
    if not servers or not isinstance(servers[0], dict):
        return None, ""
    server = servers[0]
    url = str(server.get("url", ""))
    for var, spec in (server.get("variables") or {}).items():
        if isinstance(spec, dict) and "default" in spec:
            url = url.replace("{" + str(var) + "}", str(spec["default"]))
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if parts.scheme in ("http", "https") and parts.netloc and "{" not in url:
        return url.rstrip("/"), path
    return None, path if "{" not in path else ""
