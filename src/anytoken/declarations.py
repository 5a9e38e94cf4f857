"""What a plugin declares about its providers: no network, no heavy import.

A :class:`ProviderInfo` names the provider, its token kinds (each with typed :class:`Param` s), the
credential fields with the environment variables the official SDKs use, and its base URL(s). The core
validates every call against it before any plugin code runs, so bad input fails early with a message that
names the field.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import attrs

from .errors import InvalidParameterError, PluginError, UnknownKindError, did_you_mean

__all__ = ["CredentialField", "Param", "ParamType", "ProviderInfo", "TokenKind", "parse_json_text", "schema_problems"]

ParamType = Literal["str", "int", "float", "bool", "json", "str_list", "int_list", "float_list", "datetime", "object"]
_PARAM_TYPES: frozenset[str] = frozenset(ParamType.__args__)  # type: ignore[attr-defined]
_MAX_STR = 8192
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")  # an RFC 9110 token


@attrs.frozen
class Param:
    """One parameter of a token kind.

    ``type`` is one of ``str, int, float, bool, json`` (any JSON-serialisable value), ``str_list``,
    ``int_list``, ``float_list`` (a JSON array or comma-separated text), ``datetime`` (timezone-aware,
    ISO 8601 accepted) or ``object`` (a JSON object). A ``str`` given for a ``json`` or ``object`` param is
    JSON text and must parse (a JSON string is passed quoted: ``'"text"'``). ``choices`` limits a ``str`` (or
    each item of a list); ``minimum``/``maximum`` bound numbers (or each item). ``schema`` is a small JSON
    schema a structured value must match (``type``, ``enum``, ``properties``, ``required``,
    ``additionalProperties``, ``items``, ``minimum``, ``maximum``; see :func:`schema_problems`): a bad value is
    an InvalidParameterError naming the field (``permissions.contents``) and the allowed values, raised before
    anything is sent. ``TokenKind(extra_params=True)`` lets undeclared params through (validated as
    JSON-serialisable) for providers that carry free-form configuration. ``env`` lists environment variables
    read (first set wins) when the call does not give the parameter.
    """

    name: str
    type: ParamType = "str"
    required: bool = False
    default: Any = None
    help: str = ""
    choices: tuple[str | int, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False
    schema: Mapping[str, Any] | None = attrs.field(default=None, eq=False)
    #: the value goes into the URL path (an id): a 404 message names it, whatever its type
    path: bool = False
    env: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        from ._call import CORE_KEYWORDS

        if self.name in CORE_KEYWORDS:
            raise PluginError(
                f"provider parameter {self.name!r} collides with the core keyword {self.name!r} of create_token/get_token "
                "(a call's own keyword would swallow it): rename the parameter, e.g. to "
                f"'{self.name}_value' or a provider-specific name"
            )

    def check(self, value: Any) -> tuple[Any, str | None]:
        """Return (coerced value, None) or (None, reason)."""
        if value is None:
            return (None, None) if self.nullable or not self.required else (None, "must not be null")
        checker = _CHECKS[self.type]
        try:
            coerced = checker(value)
        except (TypeError, ValueError, OverflowError) as exc:
            return None, str(exc) or f"expected {self.type}"
        items = coerced if isinstance(coerced, list) and self.type.endswith("_list") else [coerced]
        for item in items:
            why = self._bounds(item)
            if why:
                return None, why if len(items) == 1 and not isinstance(coerced, list) else f"item {_preview(item)} {why}"
        return coerced, None

    def _bounds(self, value: Any) -> str | None:
        if self.choices is not None and value not in self.choices:
            return f"must be one of {', '.join(map(str, self.choices))}"
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                return f"must be >= {self.minimum:g}"
            if self.maximum is not None and value > self.maximum:
                return f"must be <= {self.maximum:g}"
        return None

    def problems(self, value: Any) -> list[tuple[str, str]]:
        """``(field, why)`` for every place the (coerced) ``value`` breaks :attr:`schema`; the field is dotted."""
        return schema_problems(value, self.schema, self.name) if self.schema is not None else []


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (Mapping,),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if isinstance(value, bool) and name != "boolean":
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES.get(name, (object,)))


def schema_problems(value: Any, schema: Mapping[str, Any], where: str) -> list[tuple[str, str]]:
    """Check ``value`` against the JSON-schema subset scaffolded plugins declare (no ``$ref``, no combinators):
    ``type`` (a name or a list), ``enum``, ``minimum``/``maximum``, ``properties``/``required``/
    ``additionalProperties`` and ``items``. Returns ``(dotted.field, why)`` pairs; empty when valid."""
    types = schema.get("type")
    names = [types] if isinstance(types, str) else list(types or [])
    if names and not any(_is_type(value, t) for t in names):
        return [(where, f"expected {' or '.join(names)}, got {_preview(value)}")]
    enum = schema.get("enum")
    if isinstance(enum, list | tuple) and value not in enum:
        return [(where, f"must be one of {', '.join(map(str, enum))}")]
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(schema.get("minimum"), int | float) and value < schema["minimum"]:
            return [(where, f"must be >= {schema['minimum']:g}")]
        if isinstance(schema.get("maximum"), int | float) and value > schema["maximum"]:
            return [(where, f"must be <= {schema['maximum']:g}")]
    out: list[tuple[str, str]] = []
    if isinstance(value, Mapping):
        props: Mapping[str, Any] = schema.get("properties") or {}
        out += [(f"{where}.{name}", "is required") for name in schema.get("required") or () if name not in value]
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                out += schema_problems(item, props[key], f"{where}.{key}")
            elif extra is False:
                out.append(
                    (
                        f"{where}.{_preview(key) if not isinstance(key, str) else key}",
                        f"unknown field (known: {', '.join(props) or 'none'})",
                    )
                )
            elif isinstance(extra, Mapping):
                out += schema_problems(item, extra, f"{where}.{key}")
    elif isinstance(value, list | tuple) and isinstance(schema.get("items"), Mapping):
        for i, item in enumerate(value):
            out += schema_problems(item, schema["items"], f"{where}[{i}]")
    return out


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError(f"expected a string, got {type(v).__name__}")
    if len(v) > _MAX_STR:
        raise ValueError(f"longer than {_MAX_STR} characters")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid UTF-8 text") from None
    return v


def _int(v: Any) -> int:
    if isinstance(v, bool):
        raise TypeError("expected an integer, got a boolean")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            raise ValueError(f"expected an integer, got {_preview(v)}") from None
    raise TypeError(f"expected an integer, got {type(v).__name__}")


def _float(v: Any) -> float:
    if isinstance(v, bool):
        raise TypeError("expected a number, got a boolean")
    if isinstance(v, int | float):
        f = float(v)
    elif isinstance(v, str):
        try:
            f = float(v.strip())
        except ValueError:
            raise ValueError(f"expected a number, got {_preview(v)}") from None
    else:
        raise TypeError(f"expected a number, got {type(v).__name__}")
    if not math.isfinite(f):
        raise ValueError("must be a finite number")
    return f


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in {"true", "1", "yes", "on", "false", "0", "no", "off"}:
        return v.lower() in {"true", "1", "yes", "on"}
    raise TypeError(f"expected true or false, got {_preview(v)}")


def _json(v: Any) -> Any:
    if isinstance(v, str):
        v = parse_json_text(v)
    _json_check(v)
    return v


def parse_json_text(text: str) -> Any:
    """A ``str`` given for a ``json``/``object`` param is JSON text, from the API and the CLI alike: a JSON
    string value is passed quoted (``'"text"'``, i.e. ``json.dumps("text")``), never as bare text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON ({exc.msg} at character {exc.pos + 1}); pass JSON text, a string quoted: '\"text\"'") from None
    except (ValueError, RecursionError):
        raise ValueError("is not valid JSON") from None


def _json_check(v: Any) -> None:
    try:
        json.dumps(v, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"is not JSON-serialisable ({exc})") from None


def _object(v: Any) -> dict[str, Any]:
    if isinstance(v, str):
        v = parse_json_text(v)
    if not isinstance(v, Mapping):
        raise TypeError(f"expected a JSON object, got {type(v).__name__}")
    out = dict(v)
    _json_check(out)
    return out


def _str_list(v: Any) -> list[str]:
    if isinstance(v, str):
        items = [s.strip() for s in v.split(",") if s.strip()]
    elif isinstance(v, list | tuple):
        items = list(v)
    else:
        raise TypeError(f"expected a list of strings, got {type(v).__name__}")
    return [_str(i) for i in items]


def _int_list(v: Any) -> list[int]:
    return [_int(i) for i in _list(v, "integers")]


def _float_list(v: Any) -> list[float]:
    return [_float(i) for i in _list(v, "numbers")]


def _list(v: Any, what: str) -> list[Any]:
    if isinstance(v, str):
        text = v.strip()
        if text.startswith("["):
            try:
                v = json.loads(text)
            except ValueError:
                raise ValueError(f"expected a JSON array or comma-separated {what}") from None
        else:
            return [s.strip() for s in text.split(",") if s.strip()]
    if not isinstance(v, list | tuple):
        raise TypeError(f"expected a list of {what}, got {type(v).__name__}")
    return list(v)


def _datetime(v: Any) -> datetime:
    if isinstance(v, datetime):
        dt = v
    elif isinstance(v, str):
        try:
            dt = datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"expected an ISO 8601 date-time, got {_preview(v)}") from None
    else:
        raise TypeError(f"expected a date-time, got {type(v).__name__}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


def _preview(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


_CHECKS = {
    "str": _str,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "json": _json,
    "object": _object,
    "str_list": _str_list,
    "int_list": _int_list,
    "float_list": _float_list,
    "datetime": _datetime,
}


@attrs.frozen
class TokenKind:
    """A kind of token a provider mints.

    ``reusable``: a minted token may be cached and reused until it expires.
    ``persistent``: minting creates a resource at the provider (it lives until revoked): never retried
    blindly, never cached unless the caller opts in.
    ``idempotent``: repeating the request is harmless (or the provider accepts an idempotency key), so
    ambiguous failures (timeouts, 5xx) may be retried.
    ``credentials``: names of the provider's credential fields this kind needs.
    ``extra_params``: undeclared parameters are allowed (JSON-serialisable) and passed through.
    ``optional_credentials``: credential fields this kind uses when present (e.g. a client secret *or* a
    private key); a missing one is simply absent from ``request.credentials``.
    ``auth_header`` / ``auth_scheme``: how the token is attached to requests to the API it is for
    (:mod:`anytoken.auth`): ``Authorization: Bearer <token>`` by default; ``auth_scheme=""`` sends the bare
    token (Unleash), ``auth_scheme="jwt"`` gives ``Authorization: jwt <token>`` (Qrvey admin), another
    ``auth_header`` names a custom header (``X-Api-Key``). ``auth_header=None``: the token is not sent in a
    header (a sign-in ticket used in a URL), so the auth objects refuse it.
    """

    name: str
    help: str = ""
    params: tuple[Param, ...] = ()
    credentials: tuple[str, ...] = ()
    reusable: bool = True
    persistent: bool = False
    idempotent: bool = True
    extra_params: bool = False
    optional_credentials: tuple[str, ...] = ()
    auth_header: str | None = "Authorization"
    auth_scheme: str = "Bearer"

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def validate(self, params: Mapping[str, Any], *, provider: str) -> dict[str, Any]:
        """Check and coerce ``params``; apply defaults. Raises InvalidParameterError naming every bad field."""
        problems: list[tuple[str, str]] = []
        out: dict[str, Any] = {}
        for name, value in params.items():
            p = self.param(name)
            if p is None:
                if not isinstance(name, str) or len(name) > 100:
                    problems.append((_preview(name), "is not a parameter name"))
                elif self.extra_params:
                    try:
                        _json_check(value)
                        out[name] = value
                    except ValueError as exc:
                        problems.append((name, str(exc)))
                else:
                    known = ", ".join(p.name for p in self.params) or "none"
                    hint = did_you_mean(name, (p.name for p in self.params))
                    problems.append((name, f"unknown parameter (known: {known}).{hint}" if hint else f"unknown parameter (known: {known})"))
                continue
            coerced, why = p.check(value)
            structural = p.problems(coerced) if not why and coerced is not None else []
            if why:
                problems.append((name, why))
            elif structural:
                problems += structural
            elif coerced is not None or p.nullable:
                out[name] = coerced
        for p in self.params:
            if p.name in out or any(f == p.name or f.startswith((f"{p.name}.", f"{p.name}[")) for f, _ in problems):
                continue
            if p.required:
                problems.append((p.name, "is required"))
            elif p.default is not None:
                out[p.name] = p.default
        if problems:
            raise InvalidParameterError(problems, provider=provider, kind=self.name)
        return out


@attrs.frozen
class CredentialField:
    """A credential: ``env`` lists the environment variables read (first set wins).

    ``multiline``: the value may span lines (a PEM private key); otherwise newlines are refused.
    ``local``: the plugin checks or uses the value itself (a private key it signs a JWT with) instead of
    sending it as-is; a malformed value is refused before anything is sent (raise
    :func:`anytoken.provider.invalid_credential` from ``plan()``), and the conformance suite checks that
    instead of a provider 401.
    """

    name: str
    env: tuple[str, ...] = ()
    help: str = ""
    secret: bool = True
    multiline: bool = False
    local: bool = False


@attrs.frozen
class ProviderInfo:
    """A provider's declaration.

    ``base_urls`` maps an environment name (``"default"``, ``"production"``, ``"sandbox"`` ...) to a URL;
    the first is the default. Empty means per-customer: a base URL must come from ``base_url_env`` or the
    call (``base_url_example`` shows its form). ``env_param`` names the kind parameter that selects one of
    ``base_urls`` (Quadrata's ``environment``).
    """

    name: str
    kinds: tuple[TokenKind, ...]
    credentials: tuple[CredentialField, ...] = ()
    base_urls: tuple[tuple[str, str], ...] = ()
    base_url_env: str | None = None
    base_url_example: str | None = None
    env_param: str | None = None
    help: str = ""
    docs_url: str | None = None
    #: (kind name a user may try, what to do instead), e.g. Unleash's refused "admin" tokens
    kind_hints: tuple[tuple[str, str], ...] = ()
    base_url_from: Callable[[Mapping[str, Any]], str | None] | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def default_kind(self) -> str:
        return self.kinds[0].name

    def kind(self, name: str | None) -> TokenKind:
        if name is None:
            return self.kinds[0]
        for k in self.kinds:
            if k.name == name:
                return k
        hint = dict(self.kind_hints).get(str(name))
        raise UnknownKindError(self.name, str(name), [k.name for k in self.kinds], hint=hint)

    def credential(self, name: str) -> CredentialField:
        for c in self.credentials:
            if c.name == name:
                return c
        raise KeyError(name)

    def check(self) -> None:
        """Raise PluginError when the declaration itself is malformed."""
        problems: list[str] = []
        if not self.name or not self.name.replace("-", "").replace("_", "").isalnum() or self.name != self.name.lower():
            problems.append(f"provider name {self.name!r} must be lowercase letters, digits, '-' or '_'")
        if not self.kinds:
            problems.append("declares no token kinds")
        seen: set[str] = set()
        cred_names = {c.name for c in self.credentials}
        for k in self.kinds:
            if k.name in seen:
                problems.append(f"kind {k.name!r} declared twice")
            seen.add(k.name)
            for cred in (*k.credentials, *k.optional_credentials):
                if cred not in cred_names:
                    problems.append(f"kind {k.name!r} needs undeclared credential {cred!r}")
            if k.auth_header is not None and not _HEADER_NAME.match(k.auth_header):
                problems.append(f"kind {k.name!r} has an invalid auth_header {k.auth_header!r}")
            if not _HEADER_NAME.match(k.auth_scheme or "-"):
                problems.append(f"kind {k.name!r} has an invalid auth_scheme {k.auth_scheme!r}")
            for p in k.params:
                if p.type not in _PARAM_TYPES:
                    problems.append(f"param {k.name}.{p.name} has unknown type {p.type!r}")
        if problems:
            raise PluginError(f"malformed declaration of provider {self.name!r}: " + "; ".join(problems))
