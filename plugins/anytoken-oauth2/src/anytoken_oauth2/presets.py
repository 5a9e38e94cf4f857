"""Thin providers on the same flow for vendors whose authorization servers follow the standard.

Each preset has its own name, where its server is, its required parameters and the environment variables
its vendor's SDKs use; the endpoints and quirks are documented (with sources) in ``docs/oauth2.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from anytoken.declarations import CredentialField, Param, ProviderInfo, TokenKind
from anytoken.errors import InvalidParameterError

from ._kinds import credential_fields, kinds

if TYPE_CHECKING:
    from anytoken.tokens import TokenRequest

    from ._flow import Where

__all__ = ["AUTH0", "ENTRA", "GOOGLE", "KEYCLOAK", "OKTA", "PRESETS", "Preset"]

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"


@attrs.frozen
class Preset:
    """A vendor's provider: its declaration (a module-level value) and how a request finds the token endpoint (``where``)."""

    name: str
    declaration: ProviderInfo
    where: Callable[[TokenRequest], Where]


def _bad(request: TokenRequest, field: str, why: str) -> InvalidParameterError:
    return InvalidParameterError([(field, why)], provider=request.provider, kind=request.kind)


def _host(value: Any) -> str | None:
    """A bare host name from ``example.auth0.com`` or ``https://example.auth0.com/``."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().removeprefix("https://").removeprefix("http://").rstrip("/")


def _minted_at(metadata: Mapping[str, Any]) -> str | None:
    """For a revocation: where the token was minted (its metadata's issuer or token endpoint)."""
    value = metadata.get("issuer") or metadata.get("token_endpoint")
    return str(value) if isinstance(value, str) else None


def _where(**kwargs: Any) -> Where:
    from ._flow import Where

    return Where(**kwargs)


# -- Auth0 ------------------------------------------------------------------------------------------


_AUTH0_DOMAIN = Param(
    "domain", "str", env=("AUTH0_DOMAIN",), help="Your tenant's domain, e.g. example.us.auth0.com or a custom domain (AUTH0_DOMAIN)."
)
_AUTH0_KINDS = kinds((_AUTH0_DOMAIN,))
_AUTH0_REQUIRED_AUDIENCE = tuple(
    attrs.evolve(
        k,
        params=tuple(
            Param("audience", "str", required=True, help="The API identifier (Auth0 requires it for client credentials).")
            if p.name == "audience" and k.name == "client_credentials"
            else p
            for p in k.params
        ),
    )
    for k in _AUTH0_KINDS
)
AUTH0 = ProviderInfo(
    name="auth0",
    kinds=_AUTH0_REQUIRED_AUDIENCE,
    credentials=credential_fields({"client_id": ("AUTH0_CLIENT_ID",), "client_secret": ("AUTH0_CLIENT_SECRET",)}),
    base_urls=(),
    base_url_env="AUTH0_ISSUER_BASE_URL",
    base_url_example="https://example.us.auth0.com (or set AUTH0_DOMAIN / pass domain=...)",
    base_url_from=lambda p: f"https://{_host(p.get('domain'))}" if _host(p.get("domain")) else _minted_at(p),
    help="Auth0 (Okta Customer Identity): machine-to-machine tokens for an API (audience) from https://{domain}/oauth/token.",
    docs_url="https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow",
)


def _auth0_where(request: TokenRequest) -> Where:
    return _where(issuer=request.base_url + "/", token_url=None)  # Auth0's issuer ends in "/"


# -- Okta -------------------------------------------------------------------------------------------


_OKTA_SERVER = Param(
    "authorization_server",
    "str",
    default="default",
    help="The custom authorization server id (default 'default'), or 'org' for the org authorization server.",
)
OKTA = ProviderInfo(
    name="okta",
    kinds=kinds((_OKTA_SERVER,), scope_required=True),
    credentials=credential_fields(
        {
            "client_id": ("OKTA_CLIENT_CLIENTID", "OKTA_CLIENT_ID"),
            "client_secret": ("OKTA_CLIENT_SECRET",),
            "private_key": ("OKTA_CLIENT_PRIVATEKEY",),
            "key_id": ("OKTA_CLIENT_KID",),
        }
    ),
    base_urls=(),
    base_url_env="OKTA_CLIENT_ORGURL",
    base_url_from=_minted_at,
    base_url_example="https://example.okta.com",
    help="Okta: client credentials from a custom authorization server (/oauth2/{id}/v1/token) or the org server (/oauth2/v1/token).",
    docs_url="https://developer.okta.com/docs/guides/implement-grant-type/clientcreds/main/",
)


def _okta_where(request: TokenRequest) -> Where:
    server = str(request.params.get("authorization_server") or "default")
    if server == "org":
        return _where(issuer=request.base_url, token_url=None)
    if not server.replace("-", "").replace("_", "").isalnum():
        raise _bad(request, "authorization_server", "must be an authorization server id such as 'default' or 'aus1abc...'")
    return _where(issuer=f"{request.base_url}/oauth2/{server}", token_url=None)


# -- Microsoft Entra ID -----------------------------------------------------------------------------


_ENTRA_TENANT = Param(
    "tenant_id", "str", required=True, env=("AZURE_TENANT_ID",), help="The directory (tenant) id or domain (AZURE_TENANT_ID)."
)
ENTRA = ProviderInfo(
    name="entra",
    kinds=kinds((_ENTRA_TENANT,), only=("client_credentials", "jwt_bearer", "refresh_token"), scope_required=True),
    credentials=credential_fields({"client_id": ("AZURE_CLIENT_ID",), "client_secret": ("AZURE_CLIENT_SECRET",)}),
    base_urls=(("default", "https://login.microsoftonline.com"),),
    base_url_env="AZURE_AUTHORITY_HOST",
    help="Microsoft Entra ID (Azure AD) v2.0: app-only tokens, scope {resource}/.default (e.g. https://graph.microsoft.com/.default).",
    docs_url="https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow",
)


def _entra_where(request: TokenRequest) -> Where:
    tenant = str(request.params["tenant_id"]).strip()
    if not tenant or "/" in tenant or "?" in tenant or "#" in tenant:
        raise _bad(request, "tenant_id", "must be a tenant id (GUID) or domain such as contoso.onmicrosoft.com")
    # No discovery: for a tenant named by domain (or 'organizations') the metadata's issuer is the tenant GUID
    # (or a {tenantid} template), which RFC 8414 §3.3 would refuse. The endpoint is fixed and documented.
    return _where(
        issuer=None,
        token_url=f"{request.base_url}/{tenant}/oauth2/v2.0/token",
        auth_methods=("client_secret_post", "private_key_jwt", "client_secret_basic"),
    )


# -- Keycloak ---------------------------------------------------------------------------------------


_KEYCLOAK_REALM = Param("realm", "str", required=True, env=("KEYCLOAK_REALM",), help="The realm (KEYCLOAK_REALM).")
KEYCLOAK = ProviderInfo(
    name="keycloak",
    kinds=kinds((_KEYCLOAK_REALM,)),
    credentials=credential_fields(
        {"client_id": ("KEYCLOAK_CLIENT_ID",), "client_secret": ("KEYCLOAK_CLIENT_SECRET",), "private_key": ("KEYCLOAK_PRIVATE_KEY",)}
    ),
    base_urls=(),
    base_url_env="KEYCLOAK_URL",
    base_url_from=_minted_at,
    base_url_example="https://keycloak.example.com (add /auth for Keycloak < 17)",
    help="Keycloak: service-account tokens of a confidential client, {server}/realms/{realm}/protocol/openid-connect/token.",
    docs_url="https://www.keycloak.org/docs/latest/server_admin/#_service_accounts",
)


def _keycloak_where(request: TokenRequest) -> Where:
    realm = str(request.params["realm"]).strip()
    if not realm or "/" in realm:
        raise _bad(request, "realm", "must be a realm name (no '/')")
    from urllib.parse import quote

    return _where(issuer=f"{request.base_url}/realms/{quote(realm, safe='')}", token_url=None)


# -- Google service accounts ------------------------------------------------------------------------


_GOOGLE_KIND = TokenKind(
    "jwt_bearer",
    help="An access token for a service account (RFC 7523 assertion signed with the key file's private_key, RS256).",
    params=(
        Param("scope", "str_list", required=True, help="Scopes, e.g. https://www.googleapis.com/auth/cloud-platform (string or list)."),
        Param("subject", "str", help="A user to impersonate (domain-wide delegation): the assertion's sub claim."),
    ),
    credentials=("service_account",),
)
GOOGLE = ProviderInfo(
    name="google",
    kinds=(_GOOGLE_KIND,),
    credentials=(
        CredentialField(
            "service_account",
            env=("GOOGLE_APPLICATION_CREDENTIALS",),
            help="The service account's JSON key: the path of the file (GOOGLE_APPLICATION_CREDENTIALS) or its JSON text.",
            multiline=True,
        ),
    ),
    base_urls=(("default", "https://oauth2.googleapis.com"),),
    base_url_env="GOOGLE_OAUTH2_BASE_URL",
    help="Google service accounts: OAuth 2.0 access tokens for Google APIs from a JSON key file (JWT bearer grant).",
    docs_url="https://developers.google.com/identity/protocols/oauth2/service-account",
)


def _service_account(request: TokenRequest) -> Mapping[str, Any]:
    value = request.credential("service_account")
    text = value
    if not value.lstrip().startswith("{"):
        try:
            text = Path(value).expanduser().read_text()
        except (OSError, ValueError):
            raise _bad(request, "credentials.service_account", "is neither a service-account JSON key nor a readable file path") from None
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or doc.get("type") != "service_account":
        raise _bad(request, "credentials.service_account", 'is not a service-account key file (JSON with "type": "service_account")')
    missing = [k for k in ("client_email", "private_key") if not isinstance(doc.get(k), str) or not doc[k]]
    if missing:
        raise _bad(request, "credentials.service_account", f"lacks {', '.join(missing)}: download a new JSON key")
    return doc


def _google_where(request: TokenRequest) -> Where:
    doc = _service_account(request)
    token_uri = doc.get("token_uri") if isinstance(doc.get("token_uri"), str) else GOOGLE_TOKEN_URI
    # the key file names Google's endpoint; a base URL set otherwise (GOOGLE_OAUTH2_BASE_URL, a sandbox) wins
    token_url = token_uri if request.base_url == "https://oauth2.googleapis.com" else request.base_url + "/token"
    return _where(
        issuer=None,
        token_url=token_url,
        assertion_issuer=doc["client_email"],
        scope_in_assertion=True,
        subject_defaults_to_issuer=False,
        auth_methods=("none",),
        signing_key=doc["private_key"],
        key_id=doc.get("private_key_id") if isinstance(doc.get("private_key_id"), str) else None,
    )


PRESETS: Mapping[str, Preset] = {
    "auth0": Preset("auth0", AUTH0, _auth0_where),
    "okta": Preset("okta", OKTA, _okta_where),
    "entra": Preset("entra", ENTRA, _entra_where),
    "keycloak": Preset("keycloak", KEYCLOAK, _keycloak_where),
    "google": Preset("google", GOOGLE, _google_where),
}
