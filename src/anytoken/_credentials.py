"""Where a call's credentials come from: the call, the Client's ``credentials=``, then the environment."""

from __future__ import annotations

from collections.abc import Mapping

from ._secrets import Secret
from .declarations import ProviderInfo, TokenKind
from .errors import InvalidParameterError, MissingCredentialError

__all__ = ["client_credentials", "resolve_credentials"]


def resolve_credentials(
    info: ProviderInfo,
    kind: TokenKind,
    explicit: Mapping[str, str] | str | None,
    *,
    configured: Mapping[str, str] | str | None,
    env: Mapping[str, str],
) -> dict[str, Secret]:
    """The kind's credentials as :class:`Secret` values: the call's, else the Client's (``configured``), else the
    environment variables the official SDKs read; a missing required one raises MissingCredentialError."""
    given = _normalise(info, kind, explicit, "credentials")
    from_client = _normalise(info, kind, configured, f"Client(credentials[{info.name!r}])")
    out: dict[str, Secret] = {}
    optional = kind.optional_credentials
    for name in (*kind.credentials, *optional):
        field = info.credential(name)
        value = given.get(name) or from_client.get(name)
        if not value:
            value = next((env[e] for e in field.env if env.get(e)), None)
        if not value:
            if name in optional:
                continue
            raise MissingCredentialError(name, field.env, provider=info.name, kind=kind.name)
        forbidden = "\0" if field.multiline else "\r\n\0"
        if not isinstance(value, str) or any(c in value for c in forbidden):
            what = "must be a string without NUL characters" if field.multiline else "must be a single-line string"
            raise InvalidParameterError([(f"credentials.{name}", what)], provider=info.name, kind=kind.name)
        out[name] = Secret(value.strip())
    return out


def _normalise(info: ProviderInfo, kind: TokenKind, value: Mapping[str, str] | str | None, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        if not kind.credentials:
            return {}
        return {kind.credentials[0]: value}
    if not isinstance(value, Mapping):
        raise InvalidParameterError([(where, "must be a string or a mapping of credential fields")], provider=info.name)
    known = {c.name for c in info.credentials}
    unknown = [k for k in value if k not in known]
    if unknown:
        raise InvalidParameterError(
            [(where, f"{len(unknown)} unknown credential field(s); known: {', '.join(sorted(known))}")],
            provider=info.name,
        )
    return {k: v for k, v in value.items() if v}


def client_credentials(provider: str, value: Mapping[str, str] | str) -> dict[str, str] | str:
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            [(f"credentials[{provider!r}]", f"must be a string or a mapping of credential fields, not {type(value).__name__}")]
        )
    return dict(value)
