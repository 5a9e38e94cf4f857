"""The value types that cross the plugin boundary: :class:`Token`, :class:`TokenRequest` and :class:`RevokeRequest`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from . import _jwt
from ._masked import masked
from ._secrets import Secret, mask

if TYPE_CHECKING:
    from ._http_session import HttpSession
    from .declarations import ProviderInfo, TokenKind

__all__ = ["RevokeRequest", "Token", "TokenRequest"]


def _now() -> datetime:
    return datetime.now(UTC)


def _secret(value: str | Secret) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


def _secrets(values: Mapping[str, str | Secret]) -> dict[str, Secret]:
    return {name: _secret(value) for name, value in values.items()}


@attrs.frozen(repr=False)
class Token:
    """A minted token. ``value`` is the secret; ``repr``/``str`` show it masked.

    ``expires_at`` comes from the provider's answer or, for JWTs, the unverified ``exp`` claim; None when
    the provider does not say (never invented). ``raw`` is the typed response model of the generated client,
    behind a view whose repr/str mask the token (and, once minted through a Client, the request's secrets):
    attribute access and ``isinstance`` work as on the model; ``raw.to_dict()`` gives the plain data.
    """

    provider: str
    kind: str
    secret: Secret = attrs.field(converter=_secret)
    expires_at: datetime | None = None
    issued_at: datetime = attrs.field(factory=_now)
    id: str | None = None
    metadata: Mapping[str, Any] = attrs.field(factory=dict)
    raw: Any = attrs.field(default=None, eq=False)
    _claims: Any = attrs.field(default=None, eq=False, repr=False, alias="_claims")  # JWT payload, decoded once
    #: further named secrets minted with the token (an OAuth 2.0 refresh_token, id_token); masked everywhere
    secrets: Mapping[str, Secret] = attrs.field(factory=dict, eq=False, converter=_secrets)

    def __attrs_post_init__(self) -> None:
        if self.raw is not None:
            object.__setattr__(self, "raw", masked(self.raw, (self.secret.get(),)))

    def _mask_also(self, secrets: tuple[str, ...] | list[str]) -> Token:
        """This token with ``secrets`` (e.g. the request's credentials) also masked in :attr:`raw`'s text."""
        if self.raw is None:
            return self
        object.__setattr__(self, "raw", masked(self.raw, (*secrets, self.secret.get())))
        return self

    @classmethod
    def from_value(
        cls,
        provider: str,
        kind: str,
        value: str,
        *,
        expires_at: datetime | None = None,
        id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        raw: Any = None,
        secrets: Mapping[str, str | Secret] | None = None,
    ) -> Token:
        """Build a token, reading ``exp``/``iat``/``jti`` from the value when it is a JWT and not given."""
        claims = _jwt.claims(value)
        issued = _jwt.timestamp(claims, "iat") or _now()
        if expires_at is None:
            expires_at = _jwt.timestamp(claims, "exp")
        if id is None and claims and isinstance(claims.get("jti"), str):
            id = claims["jti"]
        return cls(
            provider, kind, Secret(value), expires_at, issued, id, dict(metadata or {}), raw, _claims=claims or None, secrets=secrets or {}
        )

    @property
    def value(self) -> str:
        """The token itself: a secret, handle with care."""
        return self.secret.get()

    def get_secret(self, name: str) -> str | None:
        """Another secret minted with the token (e.g. ``"refresh_token"``), or None: handle with care."""
        secret = self.secrets.get(name)
        return None if secret is None else secret.get()

    @property
    def claims(self) -> dict[str, Any] | None:
        """The JWT payload (unverified) when the token is a JWT."""
        if self._claims is not None:
            return dict(self._claims)
        return _jwt.claims(self.value)

    @property
    def expires_in(self) -> timedelta | None:
        if self.expires_at is None:
            return None
        return self.expires_at - _now()

    @property
    def lifetime(self) -> timedelta | None:
        if self.expires_at is None:
            return None
        return self.expires_at - self.issued_at

    def is_expired(self, leeway: float | timedelta = 0.0) -> bool:
        """True when the token expires within ``leeway`` (seconds or a timedelta). Unknown expiry: False."""
        if self.expires_at is None:
            return False
        if not isinstance(leeway, timedelta):
            leeway = timedelta(seconds=leeway)
        return self.expires_at <= _now() + leeway

    @property
    def masked(self) -> str:
        return mask(self.value)

    def __repr__(self) -> str:
        exp = self.expires_at.isoformat() if self.expires_at else None
        return f"Token(provider={self.provider!r}, kind={self.kind!r}, value={self.masked!r}, expires_at={exp!r}, id={self.id!r})"

    __str__ = __repr__

    def to_dict(self, *, reveal: bool = False) -> dict[str, Any]:
        """A JSON-ready description; the value is masked unless ``reveal=True``."""
        return {
            "provider": self.provider,
            "kind": self.kind,
            "value": self.value if reveal else self.masked,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "issued_at": self.issued_at.isoformat(),
            "id": self.id,
            "metadata": dict(self.metadata),
            **({"secrets": {k: v.get() if reveal else mask(v.get()) for k, v in self.secrets.items()}} if self.secrets else {}),
        }


@attrs.frozen(repr=False)
class TokenRequest:
    """One validated mint request, as a plugin's ``create_token`` hook receives it.

    ``params`` are checked and coerced against the kind's declaration with defaults applied;
    ``credentials`` maps each credential field the kind needs to a :class:`Secret`; ``http`` hands out
    pooled httpx clients with the configured timeout, limits and transport (never build your own);
    ``idempotency_key`` is stable across retries of this call.
    """

    provider: str
    kind: str
    params: Mapping[str, Any]
    credentials: Mapping[str, Secret]
    base_url: str
    http: HttpSession
    info: ProviderInfo
    kind_info: TokenKind
    idempotency_key: str
    environment: str | None = None

    def credential(self, name: str) -> str:
        return self.credentials[name].get()

    def secrets(self) -> tuple[str, ...]:
        """Every secret of this request, for scrubbing provider messages."""
        return tuple(s.get() for s in self.credentials.values())

    def __repr__(self) -> str:
        return (
            f"TokenRequest(provider={self.provider!r}, kind={self.kind!r}, params={dict(self.params)!r}, "
            f"credentials={sorted(self.credentials)!r}, base_url={self.base_url!r})"
        )


@attrs.frozen(repr=False)
class RevokeRequest:
    """One revocation, as a plugin's ``revoke_token`` hook receives it.

    ``token`` is the :class:`Token` to revoke (its ``id`` and ``metadata`` say which resource it is);
    ``credentials`` holds the credential fields its kind needs, resolved like a mint's (explicit argument >
    client configuration > environment variable); ``base_url`` and ``http`` are those a mint would use.
    """

    token: Token
    credentials: Mapping[str, Secret]
    base_url: str
    http: HttpSession
    info: ProviderInfo
    kind_info: TokenKind
    environment: str | None = None

    @property
    def provider(self) -> str:
        return self.token.provider

    @property
    def kind(self) -> str:
        return self.token.kind

    @property
    def params(self) -> Mapping[str, Any]:
        """What identifies the token at the provider (for error messages): its id when known."""
        return {"id": self.token.id} if self.token.id else {}

    def credential(self, name: str) -> str:
        return self.credentials[name].get()

    def secrets(self) -> tuple[str, ...]:
        """Every secret of this request, the token itself included, for scrubbing provider messages."""
        return (*(s.get() for s in self.credentials.values()), self.token.value)

    def __repr__(self) -> str:
        return f"RevokeRequest(token={self.token!r}, credentials={sorted(self.credentials)!r}, base_url={self.base_url!r})"
