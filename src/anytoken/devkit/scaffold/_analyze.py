"""What the scaffold infers from a spec: auth, parameters, where the token and its expiry are, samples.

Everything here is plain data (:class:`PluginModel`), rendered into files by ``_render``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import attrs

from anytoken.devkit.openapi import Operation, deref
from anytoken.devkit.scaffold._errors import ScaffoldError
from anytoken.devkit.scaffold._responses import (
    EXPIRY_NAMES,
    TOKEN_NAMES,
    error_samples,
    expiry_style,
    find_field,
    success_response,
    token_format,
)
from anytoken.devkit.scaffold._schema import iter_fields, merged, param_type, path_example, resolved, sample, schema_type

_KEYISH_FIELDS = ("api_key", "apiKey", "apikey", "key", "secret", "client_secret", "clientSecret", "secret_key", "secretKey")
_VERBS = ("create", "get", "issue", "generate", "mint", "post", "new", "request", "fetch", "obtain", "add", "put")
#: response fields never copied into token.metadata (besides the token itself)
SECRET_FIELDS = (
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "secret",
    "client_secret",
    "password",
    "private_key",
    "key",
    "value",
    "jwt",
    "client_token",
    "token_value",
    "api_key",
    "session_token",
)


AUTH_CHOICES = "bearer, header:NAME, query:NAME, basic, body:FIELD or none"


@attrs.frozen
class Auth:
    """How the key is sent: ``bearer`` (``Authorization: Bearer KEY``), ``header`` (``NAME: KEY``), ``query``
    (``?NAME=KEY``), ``basic`` (HTTP basic: credentials ``username`` and ``password``), ``body`` (body field
    ``NAME``) or ``none``. ``scheme``/``description``: the spec's security scheme, for the credential's help."""

    mode: str
    name: str = ""
    scheme: str = ""
    description: str = ""

    @classmethod
    def parse(cls, text: str) -> Auth:
        mode, _, name = text.partition(":")
        mode = mode.strip().lower()
        name = name.strip()
        if mode in ("bearer", "basic", "none") and not name:
            return cls(mode)
        if mode in ("header", "body", "query") and name and re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
            return cls(mode, name)
        raise ScaffoldError(f"--auth {text!r}: expected {AUTH_CHOICES}")

    def describe(self) -> str:
        return {
            "bearer": "Authorization: Bearer <key>",
            "header": f"{self.name}: <key>",
            "query": f"query parameter {self.name}=<key>",
            "basic": "HTTP basic auth (<username>:<password>)",
            "body": f"body field {self.name!r}",
            "none": "nothing (the API takes no key)",
        }[self.mode]

    def credentials(self, title: str, env_prefix: str, env: str | None) -> list[tuple[str, str, str]]:
        """(name, environment variable, help) of each credential the key mode needs."""
        where = f" ({self.scheme} security scheme)" if self.scheme else ""
        about = f": {self.description}" if self.description else ""
        if self.mode == "none":
            return []
        if self.mode == "basic":
            return [
                ("username", f"{env_prefix}_USERNAME", f"{title} HTTP basic user name{where}{about}"[:200]),
                ("password", env or f"{env_prefix}_PASSWORD", f"{title} HTTP basic password{where}"[:200]),
            ]
        product = title[:-4] if title.endswith(" API") else title
        return [("api_key", env or f"{env_prefix}_API_KEY", f"{product} API key, sent as {self.describe()}{where}{about}"[:200])]


@attrs.define
class ParamModel:
    name: str
    wire: str
    location: str  # path | query | header | body
    type: str
    required: bool
    help: str
    choices: tuple[Any, ...] | None = None
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    example: Any = None
    python: str = ""  # the generated function's keyword argument (path/query/header)
    schema: dict[str, Any] | None = None  # validation schema of a structured value
    missing: Any = None  # a path id that does not exist (the sandbox's 404)


@attrs.define
class OperationModel:
    operation_id: str
    method: str
    path: str
    kind: str
    help: str
    status: int
    ok: list[int]
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
    token_format: str = "jwt"  # what the sandbox mints: "jwt" or "opaque:<prefix>"


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
    #: (credential name, environment variable, help)
    credentials: list[tuple[str, str, str]] = attrs.field(factory=list)

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
    """A readable kind from an operationId: the tag before ``/`` and the verb go
    (``apps/create-installation-access-token`` -> ``installation_access_token``)."""
    words = snake(operation_id.rsplit("/", 1)[-1]).split("_")
    verb = next((i for i, w in enumerate(words) if w in _VERBS), None)
    if verb is not None and verb + 1 < len(words):
        words = words[verb + 1 :]
    elif verb is not None and len(words) > 1:
        words = words[:verb]  # ServicePrincipalSecrets.create -> service_principal_secrets
    while len(words) > 1 and words[0] in _VERBS:
        words = words[1:]
    return "_".join(words)[:60].strip("_") or "token"


# -- parameters ---------------------------------------------------------------------------------------


def _param(doc: Any, name: str, wire: str, location: str, schema: Any, required: bool, help_text: str) -> ParamModel:
    s = resolved(doc, schema)
    ptype, choices, validation = param_type(doc, s)
    if location in ("query", "header", "path") and ptype in ("object", "json"):
        ptype, validation = "str", None  # a structured value outside the body is sent as text
    default = s.get("default") if isinstance(s.get("default"), str | int | float | bool) else None
    if choices is not None and default is not None and default not in choices:
        default = None
    help_text = " ".join((help_text or s.get("description") or s.get("title") or "").split())
    if not help_text:
        help_text = {"path": f"{wire} (path)", "query": f"{wire} (query)", "header": f"{wire} header"}.get(
            location, f"{wire} field of the body"
        )
    missing: Any = None
    if location == "path":
        example, missing = path_example(doc, name, s)
    else:
        example = sample(doc, s)
    if example is None:
        example = "example"
    if ptype == "str" and not isinstance(example, str):
        example = str(example)
    numeric = ptype in ("int", "float", "int_list", "float_list")
    bounds = resolved(doc, s.get("items", {})) if ptype.endswith("_list") else s
    return ParamModel(
        name=name,
        wire=wire,
        location=location,
        type=ptype,
        required=required,
        help=help_text[:200],
        choices=choices,
        default=default,
        minimum=bounds.get("minimum") if numeric else None,
        maximum=bounds.get("maximum") if numeric else None,
        example=example,
        schema=validation,
        missing=missing,
    )


# -- inference ----------------------------------------------------------------------------------------


def _scheme_auth(name: str, scheme: dict[str, Any]) -> Auth | None:
    kind = str(scheme.get("type", "")).lower()
    about = " ".join(str(scheme.get("description") or "").split())[:120]
    http = str(scheme.get("scheme", "")).lower()
    if (kind == "http" and http == "bearer") or kind in ("oauth2", "openidconnect"):
        return Auth("bearer", scheme=name, description=about)
    if kind == "http" and http == "basic":
        return Auth("basic", scheme=name, description=about)
    if kind == "apikey" and scheme.get("name") and scheme.get("in") in ("header", "query"):
        wire = str(scheme["name"])
        if scheme["in"] == "header" and wire.lower() == "authorization":
            return Auth("bearer", scheme=name, description=about)
        return Auth(str(scheme["in"]), wire, scheme=name, description=about)
    return None


_PREFERENCE = ("bearer", "header", "query", "basic")


def infer_auth(doc: dict[str, Any], op: Operation) -> Auth:
    """The key mode from the operation's security schemes (bearer, then header/query API keys, then basic),
    else a required key-like header parameter or body field; a one-line ScaffoldError naming ``--auth``."""
    security = op.node.get("security", doc.get("security", []))
    schemes = doc.get("components", {}).get("securitySchemes", {})
    found: list[Auth] = []
    for requirement in security or []:
        if not isinstance(requirement, dict):
            continue
        for name in requirement:
            scheme = deref(doc, schemes.get(name, {}))
            auth = _scheme_auth(str(name), scheme) if isinstance(scheme, dict) else None
            if auth is not None:
                found.append(auth)
    if found:
        return min(found, key=lambda a: _PREFERENCE.index(a.mode))
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
        f"cannot tell how {op.operation_id} authenticates (no usable security scheme, no key field); pass --auth {AUTH_CHOICES}"
    )


def ensure_query_key(doc: dict[str, Any], op: Operation, auth: Auth) -> None:
    """A query-string key the spec declares only as a security scheme becomes a declared query parameter of
    the sliced spec, so the generated function takes it (the plugin passes the key there)."""
    if auth.mode != "query" or any(p.get("in") == "query" and p.get("name") == auth.name for p in _parameters(doc, op)):
        return
    param = {"name": auth.name, "in": "query", "required": True, "schema": {"type": "string"}, "description": "The API key."}
    op.node["parameters"] = [*op.node.get("parameters", []), param]


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


RESERVED = frozenset({"provider", "kind", "base_url", "timeout", "credentials", "json", "help", "h"})


def _free_name(name: str, where: str, taken: Sequence[ParamModel]) -> str:
    """``name``, or ``<where>_<name>`` when it is reserved or already taken by another parameter."""
    if name in RESERVED or any(x.name == name for x in taken):
        name = f"{where}_{name}"
    while any(x.name == name for x in taken):
        name = f"{name}_2"
    return name


def analyze_operation(
    doc: dict[str, Any], op: Operation, auth: Auth, token_flag: str | None, expires_flag: str | None, format_flag: str | None = None
) -> OperationModel:
    assert op.operation_id is not None
    params: list[ParamModel] = []
    auth_header_param = False
    for p in _parameters(doc, op):
        where, wire = str(p["in"]), str(p["name"])
        if where == "cookie":
            if p.get("required"):
                raise ScaffoldError(f"{op.operation_id}: required cookie parameter {wire!r} is not supported")
            continue
        if where in ("header", "query") and auth.mode == where and wire.lower() == auth.name.lower():
            auth_header_param = True
            continue
        if where == "header" and wire.lower() in ("authorization", "content-type", "accept"):
            continue
        required = bool(p.get("required")) or where == "path"
        name = _free_name(snake(wire), where, params)
        params.append(_param(doc, name, wire, where, p.get("schema", {}), required, str(p.get("description", ""))))
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
            name = _free_name(snake(wire), "body", params)
            params.append(_param(doc, name, wire, "body", prop, wire in required_fields, str(ps.get("description", ""))))
    elif auth.mode == "body":
        raise ScaffoldError(f"--auth body:{auth.name}: {op.operation_id} has no request body")

    status, ok, content_type, schema = success_response(doc, op, token_flag)
    text = content_type == "text"
    token_path, expires_path, expires_style = "text", None, None
    success: Any = None
    fmt = token_format({}, format_flag)
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
            found = find_field(doc, schema, TOKEN_NAMES)
            if found is None:
                names = ", ".join(fields) or "none"
                raise ScaffoldError(
                    f"cannot find the token in {op.operation_id}'s {status} response (fields: {names}); pass --token-field PATH"
                )
            token_path = found[0]
        fmt = token_format(fields.get(token_path, {}), format_flag)
        if expires_flag:
            expires_path, expires_style = expires_flag, expiry_style(expires_flag, fields[expires_flag])
        else:
            exp = find_field(doc, schema, EXPIRY_NAMES, near=token_path)
            if exp is not None:
                expires_path, expires_style = exp[0], expiry_style(*exp)
        success = sample(doc, schema, full=True)
        if not isinstance(success, dict):
            success = {}
    errors = error_samples(doc, op)
    summary = " ".join(str(op.node.get("summary") or op.node.get("description") or op.operation_id).split())
    return OperationModel(
        operation_id=op.operation_id,
        method=op.method,
        path=op.path,
        kind=kind_name(op.operation_id),
        help=summary[:200],
        status=status,
        ok=ok,
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
        declared=sorted(
            {int(c) for c in op.node.get("responses", {}) if str(c).isdigit()}
            | ({400, 401, 404, 422} if any(str(c).upper() == "4XX" for c in op.node.get("responses", {})) else set())
        ),
        auth_header_param=auth_header_param,
        token_format=fmt,
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
