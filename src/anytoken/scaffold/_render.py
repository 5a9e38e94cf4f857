"""The files of a scaffolded plugin distribution, rendered from a :class:`PluginModel`."""

from __future__ import annotations

import json
import pprint
import shlex
from collections.abc import Sequence
from string import Template
from typing import Any

from ._analyze import SECRET_FIELDS, OperationModel, ParamModel, PluginModel

SANDBOX_LIFETIME = 3600


def _r(value: Any) -> str:
    return pprint.pformat(value, width=110, sort_dicts=False)


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line else line for line in text.splitlines())


def _param_code(p: ParamModel) -> str:
    args = [repr(p.name), repr(p.type)]
    if p.location == "path":
        args.append("path=True")
    if p.schema:
        args.append(f"schema={p.schema!r}")
    if p.required:
        args.append("required=True")
    if p.default is not None:
        args.append(f"default={p.default!r}")
    if p.choices:
        args.append(f"choices={p.choices!r}")
    if p.minimum is not None:
        args.append(f"minimum={p.minimum!r}")
    if p.maximum is not None:
        args.append(f"maximum={p.maximum!r}")
    args.append(f"help={p.help!r}")
    return f"Param({', '.join(args)})"


def _kind_code(m: PluginModel, op: OperationModel) -> str:
    params = "".join(f"\n        {_param_code(p)}," for p in op.params)
    params_arg = f"params=({params}\n    )," if op.params else "params=(),"
    return (
        f"TokenKind(\n    {op.kind!r},\n    help={op.help!r},\n    {params_arg}\n    credentials=tuple(c.name for c in credentials),\n"
        "    reusable=True,\n    persistent=False,\n    idempotent=True,\n)"
    )


def _operation_code(m: PluginModel, op: OperationModel) -> str:
    targets = {p.name: (p.location, p.wire if p.location == "body" else p.python) for p in op.params}
    expires = (op.expires_path, op.expires_style) if op.expires_path and op.expires_style else None
    return (
        "_Operation(\n"
        f"    module={op.module!r},\n"
        f"    body_model={op.body_model!r},\n"
        f"    ok={_ok_code(op.ok)},\n"
        f"    params={_r(targets)},\n"
        f"    token={op.token_path!r},\n"
        f"    expires={expires!r},\n"
        f"    auth_arg={(op.auth_python or None)!r},\n"
        ")"
    )


def _ok_code(ok: Sequence[int]) -> str:
    if len(ok) > 1 and list(ok) == list(range(ok[0], ok[-1] + 1)):
        return f"tuple(range({ok[0]}, {ok[-1] + 1}))"
    return repr(tuple(ok))


PLUGIN = Template('''"""anytoken plugin for $title: mints tokens through the generated client ``$client_package``.

Scaffolded by ``anytoken new-plugin`` from ``specs/$name.yaml`` (operations: $operation_ids); edit freely.

- Credentials: $credential_doc (sent as $auth_description).
- Base URL: $base_url_doc (override with ``$base_url_env``).

This is the module the entry point imports, so it imports only the light core modules: the generated
client is imported in :meth:`$class_name.plan`, the emulation in :meth:`$class_name.sandbox`.
"""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from anytoken.declarations import CredentialField, Param, ProviderInfo, TokenKind
from anytoken.errors import MalformedResponseError
from anytoken.provider import Call, GeneratedProvider, expect
from anytoken.tokens import Token, TokenRequest

if TYPE_CHECKING:
    from anytoken.sandbox.model import SandboxProvider

__all__ = ["$class_name", "plugin"]

NAME = "$name"
CLIENT_PACKAGE = "$client_package"
#: the credentials, from the spec's security scheme (a subclass may declare others: see ``$class_name.key``)
CREDENTIALS: tuple[CredentialField, ...] = (
$credentials
)
#: how the key is sent: ("bearer", "") -> Authorization: Bearer KEY; ("header", NAME); ("query", NAME);
#: ("basic", "") -> HTTP basic with the username/password credentials; ("body", FIELD); ("none", "")
AUTH = $auth
#: response fields never copied into token.metadata (the token itself is never copied either)
SECRET_FIELDS = frozenset($secret_fields)


@dataclass(frozen=True)
class _Operation:
    """One generated operation and how to read its answer.

    ``params``: anytoken parameter -> (where, target): ``body`` targets are JSON keys of the request body,
    the others keyword arguments of the generated function. ``token``: dotted JSON path of the token in
    the answer, or ``"text"`` for a text body. ``expires``: (dotted path, "in" | "epoch" | "iso" | "date").
    ``ok``: the success statuses. ``auth_arg``: the generated keyword argument of the key when the spec
    declares it as a parameter (a header or query-string API key).
    """

    module: str
    body_model: tuple[str, str] | None
    ok: tuple[int, ...]
    params: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    token: str = "text"
    expires: tuple[str, str] | None = None
    auth_arg: str | None = None


#: token kind -> operation
OPERATIONS: dict[str, _Operation] = {
$operations
}


def _declare(credentials: tuple[CredentialField, ...]) -> ProviderInfo:
    return ProviderInfo(
        name=NAME,
        help=$help,
        kinds=(
$kinds
        ),
        credentials=credentials,
        base_urls=$base_urls,
        base_url_env=$base_url_env_repr,
        base_url_example=$base_url_example,
    )


def _dig(data: Any, path: str) -> Any:
    """``data["a"]["b"]`` for ``path="a.b"``; None when a step is missing."""
    for part in path.split("."):
        if not isinstance(data, Mapping) or part not in data:
            return None
        data = data[part]
    return data


def _metadata(data: Any, token_path: str) -> dict[str, Any]:
    """The answer's non-secret fields as plain JSON (the token and secret-named fields left out)."""

    def clean(value: Any, path: str) -> Any:
        if isinstance(value, Mapping):
            return {
                str(k): clean(v, f"{path}{k}.")
                for k, v in value.items()
                if f"{path}{k}" != token_path and str(k) not in SECRET_FIELDS
            }
        if isinstance(value, list):
            return [clean(v, path) for v in value]
        return value if isinstance(value, str | int | float | bool) or value is None else str(value)

    out = clean(data, "")
    return out if isinstance(out, dict) else {}


def _expires_at(value: Any, style: str) -> datetime | None:
    """An aware datetime from an expiry field: seconds from now ("in"), epoch seconds/ms, or ISO 8601."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, str) and (style in ("iso", "date") or not value.strip().replace(".", "", 1).isdigit()):
            when = datetime.fromisoformat(value.strip())  # Python >= 3.11 reads a trailing Z
            return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        number = float(value)
        if style == "in":
            return datetime.now(UTC) + timedelta(seconds=number)
        return datetime.fromtimestamp(number / 1000 if number > 1e12 else number, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


class $class_name(GeneratedProvider):
    """$title tokens (see the module docstring)."""

    name = NAME
    credentials: tuple[CredentialField, ...] = CREDENTIALS

    def declare(self) -> ProviderInfo:
        return _declare(self.credentials)

    def key(self, request: TokenRequest) -> str:
        """The key sent as ``AUTH`` says: the ``api_key`` credential as-is. A subclass derives it instead
        (signs a JWT with a private key it declares ``CredentialField(local=True)``; see docs/plugins.md) and
        refuses a malformed credential with ``raise invalid_credential(request, NAME, why)``."""
        return request.credential("api_key")

    def plan(self, request: TokenRequest) -> Call:
        op = OPERATIONS[request.kind]
        endpoint = importlib.import_module(op.module)
        client_cls = importlib.import_module(f"{CLIENT_PACKAGE}.client").Client
        headers: dict[str, str] = {}
        kwargs: dict[str, Any] = {}
        body: dict[str, Any] = {}
        for param, value in request.params.items():
            where, target = op.params.get(param, ("body", param))
            if where == "body":
                body[target] = value
            else:
                kwargs[target] = value
        mode, name = AUTH
        if mode == "basic":
            pair = f"{request.credential('username')}:{request.credential('password')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
        elif mode != "none":
            key = self.key(request)
            if mode == "bearer":
                headers["Authorization"] = f"Bearer {key}"
            elif mode in ("header", "query") and op.auth_arg:
                kwargs[op.auth_arg] = key
            elif mode == "header":
                headers[name] = key
            else:
                body[name] = key
        if op.body_model is not None:
            module, cls = op.body_model
            kwargs["body"] = getattr(importlib.import_module(module), cls).from_dict(body)
        return Call(endpoint, client_cls, kwargs, headers, self._finish)

    def _finish(self, request: TokenRequest, response: Any) -> Token:
        op = OPERATIONS[request.kind]
        parsed = expect(request, response, op.ok, body=False)
        data: Any = None
        if op.token == "text":
            value: Any = parsed if isinstance(parsed, str) else response.content.decode("utf-8", "replace")
        else:
            if hasattr(parsed, "to_dict"):
                data = parsed.to_dict()
            else:
                try:
                    data = json.loads(response.content)
                except ValueError:
                    data = None
            value = _dig(data, op.token)
        if not isinstance(value, str) or not value.strip():
            raise MalformedResponseError(
                f"the provider's answer has no token at {op.token!r}", provider=NAME, kind=request.kind, status=int(response.status_code)
            )
        expires_at = _expires_at(_dig(data, op.expires[0]), op.expires[1]) if op.expires is not None else None
        # without an expiry field, Token.from_value reads the JWT's exp claim (None for opaque tokens)
        metadata = _metadata(data, op.token) if op.token != "text" else {}
        return Token.from_value(NAME, request.kind, value.strip(), expires_at=expires_at, metadata=metadata, raw=parsed)

    def sandbox(self) -> Iterable[SandboxProvider]:
        from .sandbox import sandbox_provider

        return [sandbox_provider()]


plugin = $class_name()
''')


SANDBOX = Template('''"""Emulation of $title for ``anytoken sandbox``, ``anytoken demo`` and the conformance tests.

Each route behaves like the documented operation: a wrong or missing key is a 401, an unknown path id a
404, a body that is not JSON a 400, a missing required field a $missing_status, and success answers the
documented shape with a real JWT signed by the sandbox (valid $lifetime s).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from anytoken.sandbox import ProviderState, Route, SandboxProvider, SandboxRequest, SandboxResponse
from anytoken.sandbox.model import Handler

NAME = "$name"
#: credential -> the value the seeded sandbox accepts
SANDBOX_CREDENTIALS: dict[str, str] = $sandbox_credentials
AUTH = $auth
LIFETIME = $lifetime

#: operationId -> what the route checks and answers
OPERATIONS: dict[str, dict[str, Any]] = $sandbox_ops

#: path parameter -> the ids that exist in the seeded sandbox
SEED_IDS: dict[str, list[str]] = $seed_ids

#: kind -> parameters that mint / that the provider rejects / that name a missing id
EXAMPLES: dict[str, dict[str, Any]] = $examples
INVALID: dict[str, dict[str, Any]] = $invalid
NOT_FOUND: dict[str, dict[str, Any]] = $not_found


def _seed(state: ProviderState) -> None:
    state.store["ids"] = {name: set(ids) for name, ids in SEED_IDS.items()}


def _fill(template: Any, message: str) -> Any:
    if isinstance(template, dict):
        return {k: _fill(v, message) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, message) for v in template]
    return message if template == "{message}" else template


def _error(op: Mapping[str, Any], status: int, code: str, message: str) -> SandboxResponse:
    template = op["errors"].get(str(status))
    body = _fill(copy.deepcopy(template), message) if template is not None else {"error": code, "message": message}
    return SandboxResponse.json(status, body)


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        child = data.get(part)
        if not isinstance(child, dict):
            child = data[part] = {}
        data = child
    data[leaf] = value


def _body(request: SandboxRequest, content: str) -> Any:
    if content == "application/x-www-form-urlencoded":
        return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
    return json.loads(request.body) if request.body else {}


def _basic(request: SandboxRequest) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


#: (request, state) -> whether the request presents valid credentials
Authorizer = Callable[[SandboxRequest, ProviderState], bool]


def _authorized(request: SandboxRequest, body: Mapping[str, Any], state: ProviderState) -> bool:
    mode, name = AUTH
    if mode == "none":
        return True
    if mode == "basic":
        pair = _basic(request)
        return pair is not None and state.authorized(pair[0], "username") & state.authorized(pair[1], "password")
    if mode == "bearer":
        key = request.bearer()
    elif mode == "header":
        key = request.headers.get(name.lower())
    elif mode == "query":
        values = request.query.get(name) or []
        key = values[0] if values else None
    else:
        value = body.get(name)
        key = value if isinstance(value, str) else None
    return state.authorized(key, "api_key")


def _mint(op: Mapping[str, Any], state: ProviderState, now: int) -> str:
    """A JWT signed by the sandbox, or an opaque token with the provider's prefix."""
    kind, _, prefix = str(op["format"]).partition(":")
    if kind == "opaque":
        return state.new_id(prefix, 40)
    claims = {"iss": f"{NAME}-sandbox", "sub": "sandbox-user", "iat": now, "exp": now + LIFETIME, "jti": state.new_id("tok_", 16)}
    return state.sign_jwt(claims)


def _handler(op: Mapping[str, Any], authorize: Authorizer | None) -> Handler:
    def handle(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
        body: Any = {}
        if op["has_body"]:
            try:
                body = _body(request, op["content"])
            except (ValueError, UnicodeDecodeError):
                return _error(op, 400, "invalid_request", "the request body is not valid JSON")
            if body is None:
                body = {}
            if not isinstance(body, dict):
                return _error(op, 400, "invalid_request", "the request body must be a JSON object")
        if not (authorize(request, state) if authorize is not None else _authorized(request, body, state)):
            return _error(op, 401, "unauthorized", "invalid or missing API key")
        known = state.store.get("ids", {})
        for name in op["path_params"]:
            if request.path_params.get(name) not in known.get(name, set()):
                return _error(op, 404, "not_found", f"{name} not found")
        missing = [f for f in op["required"] if body.get(f) in (None, "", [])]
        if missing:
            return _error(op, op["missing_status"], "invalid_request", f"missing required field(s): {', '.join(missing)}")
        now = int(state.now())
        token = _mint(op, state, now)
        if op["token"] == "text":
            return SandboxResponse.text(op["status"], token)
        payload = copy.deepcopy(op["success"])
        _set(payload, op["token"], token)
        if op["expires"] is not None:
            path, style = op["expires"]
            if style == "in":
                _set(payload, path, LIFETIME)
            elif style == "date":  # a calendar date (the day after tomorrow: never already past)
                _set(payload, path, datetime.fromtimestamp(now + 2 * 86400, UTC).date().isoformat())
            elif style == "iso":
                _set(payload, path, datetime.fromtimestamp(now + LIFETIME, UTC).isoformat().replace("+00:00", "Z"))
            else:
                _set(payload, path, now + LIFETIME)
        return SandboxResponse.json(op["status"], payload)

    return handle


def sandbox_provider(credentials: Mapping[str, str] | None = None, authorize: Authorizer | None = None) -> SandboxProvider:
    """The emulation. ``credentials``/``authorize``: for a subclass that declares other credentials (the
    values the sandbox accepts, and the check of a request's; e.g. verify a JWT the plugin signed)."""
    routes = tuple(Route(op["method"], op["path"], _handler(op, authorize), op_id) for op_id, op in OPERATIONS.items())
    return SandboxProvider(
        name=NAME,
        base_path=$base_path,
        routes=routes,
        credentials=dict(credentials if credentials is not None else SANDBOX_CREDENTIALS),
        examples=EXAMPLES,
        seed=_seed,
        invalid=INVALID,
        not_found=NOT_FOUND,
    )
''')


TESTS = Template('''"""The shared conformance suite against this plugin's sandbox emulation, plus a round trip."""

from __future__ import annotations

from anytoken.sandbox import Sandbox
from anytoken.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "$name"


#: kind -> (what the sandbox mints: "jwt" or "opaque:<prefix>", whether the answer carries an expiry)
FORMATS = $formats


def test_minted_token_has_the_documented_shape(anytoken_sandbox: Sandbox) -> None:
    with anytoken_sandbox.client(env={}) as client:
        for kind, params in anytoken_sandbox.examples("$name").items():
            token = client.create_token("$name", kind=kind, **params)
            shape, has_expiry = FORMATS[kind]
            if shape == "jwt":
                assert anytoken_sandbox.verify_jwt(token.value)["iss"] == "$name-sandbox"
            else:
                assert token.value.startswith(shape.partition(":")[2]) and token.claims is None
            if shape == "jwt" or has_expiry:
                assert token.expires_at is not None
            assert "Unset" not in repr(token.metadata)
''')


PYPROJECT = Template("""[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "$dist"
version = "0.1.0"
description = "anytoken plugin for $title_toml"
readme = "README.md"
requires-python = ">=3.11"
dependencies = [
$dependencies
]

[project.optional-dependencies]
test = ["pytest>=8"]

# the entry point's name is the provider name; its value the plugin object
[project.entry-points.anytoken]
$name = "$package.plugin:plugin"

# one wheel: the plugin package and its generated client (src/$client_package, never edited by hand)
[tool.hatch.build.targets.wheel]
packages = ["src/$package", "src/$client_package"]

[tool.hatch.build.targets.sdist]
include = ["src", "specs", "tests", "README.md"]

[tool.pytest.ini_options]
testpaths = ["tests"]

[tool.ruff]
line-length = 140
target-version = "py311"
extend-exclude = ["src/$client_package"]

[tool.mypy]
strict = true
python_version = "3.11"
""")


README = Template("""# $dist

An [anytoken](https://pypi.org/project/anytoken/) plugin for **$title**: `anytoken create $name` mints a
token through `$client_package`, a client generated by openapi-python-client from `specs/$name.yaml`.

Scaffolded with:

```sh
$command
```

## Use

```sh
pip install .                      # or: pip install $dist once published
$exports
anytoken providers                 # lists $name
anytoken create $name$example_args
```

```python
import anytoken
token = anytoken.create_token("$name"$example_py)
print(token.expires_at)
```

| kind | operation | parameters | token | expiry |
|------|-----------|------------|-------|--------|
$kinds_table

The key is sent as $auth_description. Base URL: $base_url_doc; set `$base_url_env` (or pass
`base_url=`) to point elsewhere.

## Layout

```
pyproject.toml                  the entry point `anytoken: $name = $package.plugin:plugin`
specs/$name.yaml                the spec, sliced to the operations above
specs/$name.config.yaml         openapi-python-client options
src/$client_package/  the generated client (never edit by hand: regenerate)
src/$package/plugin.py          declaration + create_token ($class_name, a GeneratedProvider)
src/$package/sandbox.py         the local emulation (routes, seed ids, examples)
tests/test_conformance.py       anytoken's conformance suite against the sandbox
```

The generated client ships inside this plugin's wheel, so `pip install` of this directory alone (with
anytoken from PyPI or a local checkout) is enough. It needs only httpx and attrs at runtime.

## Regenerate the client after a spec change

```sh
pip install openapi-python-client==0.29.1
rm -rf src/$client_package
$regen
```

## Test

```sh
pip install -e . pytest
pytest                             # conformance suite against `anytoken sandbox`
anytoken sandbox --provider $name  # serve the emulation; paste its exports, then `anytoken create $name ...`
```
""")


def _dependencies(uses_dateutil: bool) -> str:
    deps = ['"anytoken>=0.1"', '"httpx>=0.23.1,<0.29.0"', '"attrs>=22.2.0"']
    if uses_dateutil:
        deps.append('"python-dateutil>=2.8.0"')
    return "\n".join(f"    {d}," for d in deps)


def _base_url_doc(m: PluginModel) -> str:
    return f"`{m.base_url}`" if m.base_url else f"none by default (per customer): set `{m.base_url_env}`"


def _cli_value(p: ParamModel) -> str:
    """The example value as the README's ``anytoken create`` spells it."""
    value = p.example
    if p.type.endswith("_list") and isinstance(value, list):
        return shlex.quote(",".join(str(v) for v in value))
    if isinstance(value, dict | list):
        return shlex.quote(json.dumps(value, separators=(",", ":")))
    if isinstance(value, bool):
        return "true" if value else "false"
    return shlex.quote(str(value))


def _invalid_example(op: OperationModel) -> dict[str, Any] | None:
    """Parameters the provider (or the declaration) refuses: a blank required body field the sandbox answers
    400/422 to, else a value outside a parameter's choices or schema (refused before anything is sent)."""
    blank = next((p for p in op.params if p.required and p.location == "body" and p.type == "str" and not p.choices), None)
    if blank is not None:
        return {blank.name: ""}
    for p in op.params:
        if p.choices:
            return {p.name: ["not-a-choice"] if p.type.endswith("_list") else "not-a-choice"}
        props = (p.schema or {}).get("properties") or {}
        enum_field = next((k for k, v in props.items() if isinstance(v, dict) and v.get("enum")), None)
        if p.type == "object" and enum_field is not None:
            return {p.name: {enum_field: "not-a-choice"}}
    typed = next((p for p in op.params if p.type in ("int", "float", "int_list", "float_list", "object")), None)
    return {typed.name: "not-a-number" if typed.type != "object" else "not-an-object"} if typed is not None else None


def render(m: PluginModel, *, command: Sequence[str], regen: Sequence[str], sandbox_key: str, uses_dateutil: bool) -> dict[str, str]:
    """Relative path -> file content."""
    auth = (m.auth.mode, m.auth.name)
    credentials = tuple(m.credentials)
    kinds = _indent(",\n".join(_kind_code(m, op) for op in m.operations) + ",", 12)
    operations = _indent("\n".join(f"{op.kind!r}: {_operation_code(m, op)}," for op in m.operations), 4)
    title = m.title
    common = {
        "name": m.name,
        "title": title,
        "client_package": m.client_package,
        "package": m.package,
        "class_name": m.class_name,
        "env": m.env,
        "base_url_env": m.base_url_env,
    }
    plugin = PLUGIN.substitute(
        common,
        operation_ids=", ".join(op.operation_id for op in m.operations),
        auth_description=m.auth.describe(),
        base_url_doc=_base_url_doc(m),
        auth=repr(auth),
        credentials=",\n".join(f"    CredentialField({n!r}, env=({e!r},), help={h!r})" for n, e, h in credentials) + ("," if credentials else ""),
        credential_doc=", ".join(f"``{n}`` from ``{e}``" for n, e, _ in credentials) or "none",
        secret_fields=_r(sorted(SECRET_FIELDS)),
        operations=operations,
        help=repr(m.description or f"{title} tokens"),
        kinds=kinds,
        base_urls=repr((("default", m.base_url),) if m.base_url else ()),
        base_url_env_repr=repr(m.base_url_env),
        base_url_example=repr(None if m.base_url else f"https://{m.name}.example.com{m.base_path}"),
    )
    sandbox_ops: dict[str, Any] = {}
    seed_ids: dict[str, list[str]] = {}
    examples: dict[str, dict[str, Any]] = {}
    invalid: dict[str, dict[str, Any]] = {}
    not_found: dict[str, dict[str, Any]] = {}
    for op in m.operations:
        path_params = [p for p in op.params if p.location == "path"]
        missing_status = 400 if 400 in op.declared and 422 not in op.declared else 422
        sandbox_ops[op.operation_id] = {
            "method": op.method.upper(),
            "path": op.path,
            "status": op.status,
            "format": op.token_format,
            "has_body": op.has_body,
            "content": op.body_content,
            "required": op.body_required,
            "path_params": [p.wire for p in path_params],
            "missing_status": missing_status,
            "token": op.token_path,
            "expires": [op.expires_path, op.expires_style] if op.expires_path else None,
            "success": op.success_sample,
            "errors": {str(k): v for k, v in op.error_samples.items()},
        }
        for p in path_params:
            seed_ids.setdefault(p.wire, [])
            if str(p.example) not in seed_ids[p.wire]:
                seed_ids[p.wire].append(str(p.example))
        example = {p.name: p.example for p in op.params if p.required}
        examples[op.kind] = example
        bad = _invalid_example(op)
        if bad is not None:
            invalid[op.kind] = {**example, **bad}
        if path_params:
            not_found[op.kind] = {**example, path_params[0].name: path_params[0].missing}
    sandbox = SANDBOX.substitute(
        common,
        missing_status="400/422",
        lifetime=SANDBOX_LIFETIME,
        sandbox_credentials=_r({name: f"{sandbox_key}_{name}" if len(credentials) > 1 else sandbox_key for name, _, _ in credentials}),
        auth=repr(auth),
        sandbox_ops=_r(sandbox_ops),
        seed_ids=_r(seed_ids),
        examples=_r(examples),
        invalid=_r(invalid),
        not_found=_r(not_found),
        base_path=repr(f"/{m.name}{m.base_path}"),
    )
    first = m.operations[0]
    example_args = "".join(f" --{p.name} {_cli_value(p)}" for p in first.params if p.required)
    example_py = "".join(f", {p.name}={p.example!r}" for p in first.params if p.required)
    table = []
    for op in m.operations:
        params = ", ".join(f"`{p.name}`" + ("" if p.required else "?") for p in op.params) or "-"
        expiry = f"`{op.expires_path}` ({op.expires_style})" if op.expires_path else "JWT `exp` when present"
        table.append(
            f"| `{op.kind}` | `{op.operation_id}` ({op.method.upper()} {op.path} → {op.status}) | {params} | `{op.token_path}` | {expiry} |"
        )
    readme = README.substitute(
        common,
        dist=m.dist,
        command=shlex.join(command),
        example_args=example_args,
        example_py=example_py,
        kinds_table="\n".join(table),
        auth_description=m.auth.describe(),
        base_url_doc=_base_url_doc(m),
        regen=shlex.join(regen),
        exports="\n".join(f"export {env}=...{' ' * max(1, 28 - len(env))}# {help[:60]}" for _, env, help in credentials)
        or "# the API takes no key",
    )
    return {
        "pyproject.toml": PYPROJECT.substitute(
            common, dist=m.dist, title_toml=title.replace("\\", "").replace('"', "'"), dependencies=_dependencies(uses_dateutil)
        ),
        "README.md": readme,
        f"src/{m.package}/__init__.py": f'"""anytoken plugin for {title}; the plugin object is ``{m.package}.plugin:plugin``."""\n',
        f"src/{m.package}/py.typed": "",
        f"src/{m.package}/plugin.py": plugin,
        f"src/{m.package}/sandbox.py": sandbox,
        "tests/test_conformance.py": TESTS.substitute(
            common, formats=_r({op.kind: (op.token_format, op.expires_path is not None) for op in m.operations})
        ),
    }
