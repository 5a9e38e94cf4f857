"""The OAuth 2.0 / OpenID Connect provider ``oauth2`` and its presets (``auth0``, ``okta``, ``entra``,
``keycloak``, ``google``), one plugin object behind six entry points.

* Where: ``issuer`` (discovery: ``/.well-known/openid-configuration``, then RFC 8414's
  ``/.well-known/oauth-authorization-server``, cached per issuer, the returned ``issuer`` checked) or
  ``token_url`` (no discovery); env ``OAUTH2_ISSUER`` / ``OAUTH2_TOKEN_URL``.
* Kinds: ``client_credentials`` (default), ``jwt_bearer`` (RFC 7523 §2.1), ``token_exchange`` (RFC 8693),
  ``refresh_token`` (RFC 6749 §6). All are reusable, not persistent and safe to retry; client assertions
  get a fresh ``jti`` on every attempt.
* Client authentication: ``client_secret_basic`` / ``client_secret_post`` / ``client_secret_jwt`` /
  ``private_key_jwt`` / ``none``, chosen from the server's metadata and the credentials present.

The requests are built and parsed by the generated ``anytoken_oauth2_client`` (from ``specs/oauth2.yaml``)
and sent to the URLs the metadata names, on anytoken's pooled clients. This module imports only
light things; the flow, the generated client and the emulator are imported when first used.
"""

from __future__ import annotations

from collections.abc import Awaitable, Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from anytoken.declarations import ProviderInfo
from anytoken.hookspecs import hookimpl
from anytoken.provider import GeneratedProvider
from anytoken.tokens import RevokeRequest, Token, TokenRequest

from ._kinds import WHERE_PARAMS, credential_fields, kinds
from .presets import PRESETS

if TYPE_CHECKING:
    from anytoken.devkit.sandbox.model import SandboxProvider

    from ._discovery import Http
    from ._flow import Where

__all__ = ["DECLARATION", "DECLARATIONS", "OAuth2Provider", "plugin"]

NAME = "oauth2"
_T = TypeVar("_T")


def _oauth2_base_url(params: Mapping[str, Any]) -> str | None:
    """A call's ``token_url`` / ``issuer``; for a revocation, the same keys of the token's metadata."""
    value = params.get("token_url") or params.get("issuer") or params.get("token_endpoint")
    return str(value) if value else None


DECLARATION = ProviderInfo(
    name="oauth2",
    kinds=kinds(WHERE_PARAMS),
    credentials=credential_fields(
        {
            "client_id": ("OAUTH2_CLIENT_ID",),
            "client_secret": ("OAUTH2_CLIENT_SECRET",),
            "private_key": ("OAUTH2_PRIVATE_KEY",),
            "key_id": ("OAUTH2_KEY_ID",),
            "subject_token": ("OAUTH2_SUBJECT_TOKEN",),
            "refresh_token": ("OAUTH2_REFRESH_TOKEN",),
        }
    ),
    base_urls=(),
    base_url_env="OAUTH2_ISSUER",
    base_url_example="https://auth.example.com, or pass issuer=... / token_url=...",
    base_url_from=_oauth2_base_url,
    help="Any standard OAuth 2.0 / OpenID Connect authorization server: client credentials, JWT bearer, token exchange, refresh.",
    docs_url="https://www.rfc-editor.org/rfc/rfc6749",
    kind_hints=(
        ("authorization_code", "anytoken mints machine tokens: use client_credentials (or refresh_token with a refresh token)."),
        ("password", "The password grant is deprecated (OAuth 2.0 Security BCP): use client_credentials."),
    ),
)

#: what the plugin declares: ``oauth2`` and every preset (``presets.PRESETS``), built once at import
DECLARATIONS: tuple[ProviderInfo, ...] = (DECLARATION, *(preset.declaration for preset in PRESETS.values()))


def _split(op: Http) -> tuple[str, dict[str, Any]]:
    """(origin, request keyword arguments with a relative URL): the flows name absolute URLs (discovery and
    the token endpoint may live on different hosts); the pooled client of each origin takes the path."""
    parts = urlsplit(op.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{parts.scheme}://{parts.netloc}", {**op.kwargs, "url": target}


def oauth2_where(request: TokenRequest) -> Where:
    from ._flow import Where

    token_url = request.params.get("token_url")
    issuer = request.params.get("issuer")
    if token_url:
        return Where(issuer=issuer, token_url=token_url)
    return Where(issuer=issuer or request.base_url, token_url=None)


class OAuth2Provider(GeneratedProvider):
    """anytoken's OAuth 2.0 plugin (entry points ``oauth2``, ``auth0``, ``okta``, ``entra``, ``keycloak``, ``google``)."""

    name = NAME

    def declare(self) -> ProviderInfo:
        return DECLARATION

    @hookimpl
    def anytoken_providers(self) -> Iterable[ProviderInfo]:
        return DECLARATIONS

    @hookimpl(specname="anytoken_sandbox_providers", optionalhook=True)
    def sandbox(self) -> Iterable[SandboxProvider]:
        from .sandbox import sandbox_providers

        return sandbox_providers()

    def _flow(self, request: TokenRequest) -> Generator[Http, Any, Token] | None:
        if request.provider == NAME:
            where = oauth2_where(request)
        elif request.provider in PRESETS:
            where = PRESETS[request.provider].where(request)
        else:
            return None
        from ._flow import token_flow

        return token_flow(request, where)

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        flow = self._flow(request)
        if flow is None:
            return None
        return _run(request, flow)

    @hookimpl
    def acreate_token(self, request: TokenRequest) -> Awaitable[Token] | None:
        flow = self._flow(request)
        if flow is None:
            return None
        return _arun(request, flow)

    # -- revocation (RFC 7009) ----------------------------------------------------------------------

    @hookimpl
    def revoke_token(self, request: RevokeRequest) -> bool | None:
        if request.provider != NAME and request.provider not in PRESETS:
            return None
        from ._revocation import revoke_flow

        return _run(request, revoke_flow(request))

    @hookimpl
    def arevoke_token(self, request: RevokeRequest) -> Awaitable[bool] | None:
        if request.provider != NAME and request.provider not in PRESETS:
            return None
        from ._revocation import revoke_flow

        return _arun(request, revoke_flow(request))


def _run(request: TokenRequest | RevokeRequest, flow: Generator[Http, Any, _T]) -> _T:
    """Drive the flow with the pooled sync client of each request's origin (the wire path unless ``ANYTOKEN_HTTP=httpx``)."""
    from anytoken.provider import last_response

    try:
        op = next(flow)
        while True:
            origin, kwargs = _split(op)
            response = request.http.at(origin).generated_client().request(**kwargs)
            op = flow.send(response)
    except StopIteration as done:
        result: _T = done.value
    finally:
        flow.close()
        last_response.set(None)
    return result


async def _arun(request: TokenRequest | RevokeRequest, flow: Generator[Http, Any, _T]) -> _T:
    """The async twin of :func:`_run` (same flow, real async I/O)."""
    from anytoken.provider import last_response

    try:
        op = next(flow)
        while True:
            origin, kwargs = _split(op)
            response = await request.http.at(origin).generated_async_client().request(**kwargs)
            op = flow.send(response)
    except StopIteration as done:
        result: _T = done.value
    finally:
        flow.close()
        last_response.set(None)
    return result


plugin = OAuth2Provider()
