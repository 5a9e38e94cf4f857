"""The files of a scaffolded plugin distribution, rendered from a :class:`PluginModel`."""

from __future__ import annotations

import pprint
import shlex
from collections.abc import Sequence
from string import Template
from typing import Any

from ._analyze import OperationModel, ParamModel, PluginModel

SANDBOX_LIFETIME = 3600


def _r(value: Any) -> str:
    return pprint.pformat(value, width=110, sort_dicts=False)


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line else line for line in text.splitlines())


def _param_code(p: ParamModel) -> str:
    args = [repr(p.name), repr(p.type)]
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
        f"TokenKind(\n    {op.kind!r},\n    help={op.help!r},\n    {params_arg}\n    credentials=(CREDENTIAL,),\n"
        "    reusable=True,\n    persistent=False,\n    idempotent=True,\n)"
    )


def _operation_code(m: PluginModel, op: OperationModel) -> str:
    targets = {p.name: (p.location, p.wire if p.location == "body" else p.python) for p in op.params}
    expires = (op.expires_path, op.expires_style) if op.expires_path and op.expires_style else None
    return (
        "_Operation(\n"
        f"    module={op.module!r},\n"
        f"    body_model={op.body_model!r},\n"
        f"    status={op.status!r},\n"
        f"    params={_r(targets)},\n"
        f"    token={op.token_path!r},\n"
        f"    expires={expires!r},\n"
        f"    auth_arg={(op.auth_python or None)!r},\n"
        ")"
    )


PLUGIN = Template('''"""anytoken plugin for $title: mints tokens through the generated client ``$client_package``.

Scaffolded by ``anytoken new-plugin`` from ``specs/$name.yaml`` (operations: $operation_ids); edit freely.

- Credential ``api_key`` from ``$env`` (sent as $auth_description).
- Base URL: $base_url_doc (override with ``$base_url_env``).

This is the module the entry point imports, so it imports only the light core modules: the generated
client is imported in :meth:`$class_name.plan`, the emulation in :meth:`$class_name.sandbox`.
"""

from __future__ import annotations

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
CREDENTIAL = "api_key"
#: how the key is sent: ("bearer", "") -> Authorization: Bearer KEY; ("header", NAME); ("body", FIELD)
AUTH = $auth


@dataclass(frozen=True)
class _Operation:
    """One generated operation and how to read its answer.

    ``params``: anytoken parameter -> (where, target): ``body`` targets are JSON keys of the request body,
    the others keyword arguments of the generated function. ``token``: dotted JSON path of the token in
    the answer, or ``"text"`` for a text body. ``expires``: (dotted path, "in" | "epoch" | "iso").
    ``auth_arg``: the generated keyword argument of the auth header when the spec declares it as a parameter.
    """

    module: str
    body_model: tuple[str, str] | None
    status: int
    params: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    token: str = "text"
    expires: tuple[str, str] | None = None
    auth_arg: str | None = None


#: token kind -> operation
OPERATIONS: dict[str, _Operation] = {
$operations
}


def _declare() -> ProviderInfo:
    return ProviderInfo(
        name=NAME,
        help=$help,
        kinds=(
$kinds
        ),
        credentials=(CredentialField(CREDENTIAL, env=($env_repr,), help=$credential_help),),
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


def _expires_at(value: Any, style: str) -> datetime | None:
    """An aware datetime from an expiry field: seconds from now ("in"), epoch seconds/ms, or ISO 8601."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, str) and (style == "iso" or not value.strip().replace(".", "", 1).isdigit()):
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

    def declare(self) -> ProviderInfo:
        return _declare()

    def plan(self, request: TokenRequest) -> Call:
        op = OPERATIONS[request.kind]
        endpoint = importlib.import_module(op.module)
        client_cls = importlib.import_module(f"{CLIENT_PACKAGE}.client").Client
        key = request.credential(CREDENTIAL)
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
        if mode == "bearer":
            headers["Authorization"] = f"Bearer {key}"
        elif mode == "header" and op.auth_arg:
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
        parsed = expect(request, response, op.status, body=False)
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
        return Token.from_value(NAME, request.kind, value.strip(), expires_at=expires_at, raw=parsed)

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

import copy
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from anytoken.sandbox import ProviderState, Route, SandboxProvider, SandboxRequest, SandboxResponse
from anytoken.sandbox.model import Handler

NAME = "$name"
CREDENTIAL = "api_key"
SANDBOX_KEY = "$sandbox_key"
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


def _presented_key(request: SandboxRequest, body: Mapping[str, Any]) -> str | None:
    mode, name = AUTH
    if mode == "bearer":
        return request.bearer()
    if mode == "header":
        return request.headers.get(name.lower())
    value = body.get(name)
    return value if isinstance(value, str) else None


def _handler(op: Mapping[str, Any]) -> Handler:
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
        if not state.authorized(_presented_key(request, body), CREDENTIAL):
            return _error(op, 401, "unauthorized", "invalid or missing API key")
        known = state.store.get("ids", {})
        for name in op["path_params"]:
            if request.path_params.get(name) not in known.get(name, set()):
                return _error(op, 404, "not_found", f"{name} not found")
        missing = [f for f in op["required"] if body.get(f) in (None, "", [])]
        if missing:
            return _error(op, op["missing_status"], "invalid_request", f"missing required field(s): {', '.join(missing)}")
        now = int(state.now())
        claims = {"iss": f"{NAME}-sandbox", "sub": "sandbox-user", "iat": now, "exp": now + LIFETIME, "jti": state.new_id("tok_", 16)}
        token = state.sign_jwt(claims)
        if op["token"] == "text":
            return SandboxResponse.text(op["status"], token)
        payload = copy.deepcopy(op["success"])
        _set(payload, op["token"], token)
        if op["expires"] is not None:
            path, style = op["expires"]
            if style == "in":
                _set(payload, path, LIFETIME)
            elif style == "iso":
                _set(payload, path, datetime.fromtimestamp(now + LIFETIME, UTC).isoformat().replace("+00:00", "Z"))
            else:
                _set(payload, path, now + LIFETIME)
        return SandboxResponse.json(op["status"], payload)

    return handle


def sandbox_provider() -> SandboxProvider:
    routes = tuple(Route(op["method"], op["path"], _handler(op), op_id) for op_id, op in OPERATIONS.items())
    return SandboxProvider(
        name=NAME,
        base_path=$base_path,
        routes=routes,
        credentials={CREDENTIAL: SANDBOX_KEY},
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


def test_minted_token_is_a_sandbox_jwt_with_expiry(anytoken_sandbox: Sandbox) -> None:
    with anytoken_sandbox.client(env={}) as client:
        for kind, params in anytoken_sandbox.examples("$name").items():
            token = client.create_token("$name", kind=kind, **params)
            assert anytoken_sandbox.verify_jwt(token.value)["iss"] == "$name-sandbox"
            assert token.expires_at is not None
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
export $env=...                    # your $title API key
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

## When the provider's spec changes

```sh
python -m anytoken.spec_drift $name --upstream URL_OR_FILE   # the provider's new published spec
```

compares every operation in `specs/$name.yaml` with the same operation upstream and classes each difference as
breaking, additive or cosmetic, naming the JSON path on both sides (exit 1 on breaking drift; `--json` for
machines). Fix `specs/$name.yaml`, regenerate, run the tests; record a reviewed difference, with its reason, in
`specs/$name.drift-accepted.yaml` (see anytoken's docs/pipeline.md).

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


def render(m: PluginModel, *, command: Sequence[str], regen: Sequence[str], sandbox_key: str, uses_dateutil: bool) -> dict[str, str]:
    """Relative path -> file content."""
    auth = (m.auth.mode, m.auth.name)
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
        operations=operations,
        help=repr(m.description or f"{title} tokens"),
        kinds=kinds,
        env_repr=repr(m.env),
        credential_help=repr(f"{title} API key"),
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
            if p.example not in seed_ids[p.wire]:
                seed_ids[p.wire].append(p.example)
        example = {p.name: p.example for p in op.params if p.required}
        examples[op.kind] = example
        blank = next((p for p in op.params if p.required and p.location == "body" and p.type == "str" and not p.choices), None)
        if blank is not None:
            invalid[op.kind] = {**example, blank.name: ""}
        if path_params:
            not_found[op.kind] = {**example, path_params[0].name: "does-not-exist"}
    sandbox = SANDBOX.substitute(
        common,
        missing_status="400/422",
        lifetime=SANDBOX_LIFETIME,
        sandbox_key=sandbox_key,
        auth=repr(auth),
        sandbox_ops=_r(sandbox_ops),
        seed_ids=_r(seed_ids),
        examples=_r(examples),
        invalid=_r(invalid),
        not_found=_r(not_found),
        base_path=repr(f"/{m.name}{m.base_path}"),
    )
    first = m.operations[0]
    example_args = "".join(f" --{p.name} {shlex.quote(str(p.example))}" for p in first.params if p.required)
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
        "tests/test_conformance.py": TESTS.substitute(common),
    }
