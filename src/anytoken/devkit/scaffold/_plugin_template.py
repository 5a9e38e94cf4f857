"""The template of a scaffolded plugin's ``plugin.py`` (filled in by ``_render``)."""

from __future__ import annotations

from string import Template

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

import attrs
from anytoken.declarations import CredentialField, Param, ProviderInfo, TokenKind
from anytoken.errors import MalformedResponseError
from anytoken.provider import Call, GeneratedProvider, expect, hookimpl
from anytoken.tokens import Token, TokenRequest

if TYPE_CHECKING:
    from anytoken.devkit.sandbox.model import SandboxProvider

__all__ = ["DECLARATION", "$class_name", "plugin"]

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


#: the declaration: a module-level value, built once (a subclass declaring other credentials derives its own)
DECLARATION = ProviderInfo(
    name=NAME,
    help=$help,
    kinds=(
$kinds
    ),
    credentials=CREDENTIALS,
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
        if self.credentials == CREDENTIALS:
            return DECLARATION
        # a subclass that declares other credentials (docs/plugins.md: a GitHub App signing its JWT) derives its
        # declaration from the module-level one, once per plugin object
        derived: ProviderInfo | None = self.__dict__.get("_declaration")
        if derived is None:
            names = tuple(c.name for c in self.credentials)
            kinds = tuple(attrs.evolve(kind, credentials=names) for kind in DECLARATION.kinds)
            derived = self.__dict__["_declaration"] = attrs.evolve(DECLARATION, kinds=kinds, credentials=self.credentials)
        return derived

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

    @hookimpl(specname="anytoken_sandbox_providers", optionalhook=True)
    def sandbox(self) -> Iterable[SandboxProvider]:
        from .sandbox import sandbox_provider

        return [sandbox_provider()]


plugin = $class_name()
''')
