"""What the ``oauth2`` provider and its presets declare: the grant kinds, their parameters and the credential fields
(building blocks of ``plugin.DECLARATION`` and of each preset's ``declaration``; no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from anytoken.declarations import CredentialField, Param, TokenKind

__all__ = ["AUTH_METHODS", "GRANT_TYPES", "TOKEN_TYPE_PREFIX", "WHERE_PARAMS", "credential_fields", "kinds"]

AUTH_METHODS = ("client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none")
GRANT_TYPES = {
    "client_credentials": "client_credentials",
    "jwt_bearer": "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "token_exchange": "urn:ietf:params:oauth:grant-type:token-exchange",
    "refresh_token": "refresh_token",
}
TOKEN_TYPE_PREFIX = "urn:ietf:params:oauth:token-type:"
_CLIENT_CREDS = ("client_secret", "private_key", "key_id")


def _common_params() -> tuple[Param, ...]:
    return (
        Param("scope", "str_list", help="Scopes: a space-separated string or a list (sent space-joined, RFC 6749 §3.3)."),
        Param("audience", "str", help="The target service's logical name (RFC 8693 audience; Auth0's API identifier)."),
        Param("resource", "str_list", help="Target resource URI(s), RFC 8707; repeatable (comma-separated on the command line)."),
        Param("extra", "object", help='Additional form fields for vendor extensions, e.g. {"organization": "org_1"}.'),
        Param(
            "token_endpoint_auth_method",
            "str",
            choices=AUTH_METHODS,
            help=(
                "How the client authenticates. Default: from the server's token_endpoint_auth_methods_supported and the "
                "credentials present (private_key -> private_key_jwt, client_secret -> client_secret_basic, else none)."
            ),
        ),
    )


#: where the ``oauth2`` provider's server is: an issuer (discovery) or a token endpoint
WHERE_PARAMS = (
    Param("issuer", "str", help="The authorization server's issuer URL: its token endpoint is discovered (or set OAUTH2_ISSUER)."),
    Param("token_url", "str", env=("OAUTH2_TOKEN_URL",), help="The token endpoint URL, without discovery (OAUTH2_TOKEN_URL)."),
)


def kinds(where: tuple[Param, ...], *, only: tuple[str, ...] | None = None, scope_required: bool = False) -> tuple[TokenKind, ...]:
    """The four grant kinds, with the location parameters ``where`` of the provider in front."""
    common = tuple(
        Param(p.name, p.type, required=True, help=p.help) if scope_required and p.name == "scope" else p for p in _common_params()
    )
    flags: dict[str, Any] = {"reusable": True, "persistent": False, "idempotent": True}
    all_kinds = (
        TokenKind(
            "client_credentials",
            help="An access token for the client itself (RFC 6749 §4.4 client credentials grant).",
            params=(*where, *common),
            credentials=("client_id",),
            optional_credentials=_CLIENT_CREDS,
            **flags,
        ),
        TokenKind(
            "jwt_bearer",
            help=(
                "An access token for a signed JWT assertion (RFC 7523 §2.1): iss=client_id (or assertion_issuer), sub=subject, "
                "aud=token endpoint, signed with private_key (RS256/ES256) or client_secret (HS256)."
            ),
            params=(
                *where,
                *common,
                Param("subject", "str", help="The assertion's sub claim (default: its issuer)."),
                Param("assertion_issuer", "str", help="The assertion's iss claim (default: client_id)."),
                Param("assertion_audience", "str", help="The assertion's aud claim (default: the token endpoint URL)."),
            ),
            credentials=("client_id",),
            optional_credentials=(*_CLIENT_CREDS, "assertion"),
            **flags,
        ),
        TokenKind(
            "token_exchange",
            help="Exchange a subject token for another token (RFC 8693); subject_token / actor_token are credentials.",
            params=(
                *where,
                *common,
                Param(
                    "subject_token_type",
                    "str",
                    default=TOKEN_TYPE_PREFIX + "access_token",
                    help="The subject token's type URI (default urn:ietf:params:oauth:token-type:access_token).",
                ),
                Param("actor_token_type", "str", help="The actor token's type URI (required with an actor_token)."),
                Param("requested_token_type", "str", help="The type URI of the token wanted."),
            ),
            credentials=("client_id", "subject_token"),
            optional_credentials=(*_CLIENT_CREDS, "actor_token"),
            **flags,
        ),
        TokenKind(
            "refresh_token",
            help="A new access token for a refresh token (RFC 6749 §6); a rotated refresh token is on token.secrets.",
            params=(*where, *common),
            credentials=("client_id", "refresh_token"),
            optional_credentials=_CLIENT_CREDS,
            **flags,
        ),
    )
    return tuple(k for k in all_kinds if only is None or k.name in only)


def credential_fields(env: Mapping[str, tuple[str, ...]]) -> tuple[CredentialField, ...]:
    """The credential fields, reading the environment variables ``env`` names for each."""
    helps = {
        "client_id": ("The client identifier (not a secret, RFC 6749 §2.2).", False, False),
        "client_secret": ("The client secret (client_secret_basic / _post / _jwt).", True, False),
        "private_key": ("A PEM private key, or the path of a PEM file (private_key_jwt, jwt_bearer).", True, True),
        "key_id": ("The key's id, sent as the JWT kid header.", False, False),
        "assertion": ("A ready-made, signed JWT assertion for jwt_bearer (instead of private_key).", True, False),
        "subject_token": ("The token exchanged by token_exchange (RFC 8693 subject_token).", True, False),
        "actor_token": ("The acting party's token for token_exchange (RFC 8693 actor_token).", True, False),
        "refresh_token": ("The refresh token of the refresh_token kind.", True, False),
    }
    return tuple(
        CredentialField(name, env=env.get(name, ()), help=text, secret=secret, multiline=multiline)
        for name, (text, secret, multiline) in helps.items()
    )
