"""The template of a scaffolded plugin's ``sandbox.py`` (filled in by ``_render``; the tests' are in ``_tests_template``)."""

from __future__ import annotations

from string import Template

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

from anytoken.devkit.sandbox import ProviderState, Route, SandboxProvider, SandboxRequest, SandboxResponse
from anytoken.devkit.sandbox.model import Handler

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
