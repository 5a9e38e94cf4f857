"""Telnyx: mint the access token (JWT) of a telephony credential.

``POST /telephony_credentials/{id}/token`` with ``Authorization: Bearer <TELNYX_API_KEY>`` answers 201 with
the JWT itself as ``text/plain`` (HS512, ``aud``/``iss`` ``telnyx_telephony``, 24 h or until the credential
expires). The token's expiry and id come from its ``exp`` and ``jti`` claims.

This module is what the ``anytoken`` entry point names: it imports only light things. The generated client
is imported in :meth:`TelnyxProvider.plan`, the sandbox emulation in :meth:`TelnyxProvider.sandbox`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from anytoken.declarations import CredentialField, Param, ProviderInfo, TokenKind
from anytoken.errors import InvalidParameterError
from anytoken.provider import Call, GeneratedProvider, expect, hookimpl, malformed
from anytoken.tokens import Token, TokenRequest

if TYPE_CHECKING:
    from anytoken.devkit.sandbox.model import SandboxProvider

__all__ = ["DECLARATION", "DEFAULT_BASE_URL", "TelnyxProvider", "plugin"]

DEFAULT_BASE_URL = "https://api.telnyx.com/v2"

DECLARATION = ProviderInfo(
    name="telnyx",
    kinds=(
        TokenKind(
            name="credential",
            help=(
                "Access token (JWT) of a telephony credential, for the Telnyx WebRTC SDKs' login. "
                "Valid 24 hours or until the credential expires, whichever is sooner."
            ),
            params=(
                Param(
                    name="credential_id",
                    type="str",
                    required=True,
                    help="Id of the telephony (On-demand) credential, e.g. c215ade3-0d39-418e-94be-c5f780760199.",
                ),
            ),
            credentials=("api_key",),
            reusable=True,
            persistent=False,
            idempotent=True,
            # the JWT is the WebRTC SDKs' login_token, not an HTTP Authorization header
            auth_header=None,
        ),
    ),
    credentials=(CredentialField(name="api_key", env=("TELNYX_API_KEY",), help="Telnyx API v2 key (KEY...)."),),
    base_urls=(("default", DEFAULT_BASE_URL),),
    base_url_env="TELNYX_BASE_URL",
    help="Telnyx telephony credential tokens (WebRTC login JWTs).",
    docs_url="https://developers.telnyx.com/api/webrtc/create-telephony-credential-token",
)


def _credential_id(request: TokenRequest) -> str:
    value = str(request.params["credential_id"])
    if not value.strip():
        raise InvalidParameterError([("credential_id", "must not be empty")], provider=request.provider, kind=request.kind)
    if value != value.strip() or not value.isprintable():  # isprintable: no control characters, C-fast
        raise InvalidParameterError(
            [("credential_id", "must not contain whitespace at its ends or control characters")],
            provider=request.provider,
            kind=request.kind,
        )
    return value


def _finish(request: TokenRequest, response: Any) -> Token:
    parsed = expect(request, response, ok=201)
    status = int(response.status_code)
    if not isinstance(parsed, str):
        raise malformed(request, "is not the documented text/plain token", status)
    value = parsed.strip()
    if not value:
        raise malformed(request, "lacks the token", status)
    if len(value.split(maxsplit=1)) != 1:  # one token, no inner whitespace (str.split is C-fast)
        raise malformed(request, "is not a single token", status)
    token = Token.from_value(request.provider, request.kind, value, metadata={"credential_id": request.params["credential_id"]})
    if token.claims is None:
        raise malformed(request, "is not the documented JWT", status)
    return token


class TelnyxProvider(GeneratedProvider):
    """The ``telnyx`` provider: one kind, ``credential``."""

    name = "telnyx"

    def declare(self) -> ProviderInfo:
        return DECLARATION

    def plan(self, request: TokenRequest) -> Call:
        from anytoken_telnyx_client.api.access_tokens import create_telephony_credential_token
        from anytoken_telnyx_client.client import Client

        return Call(
            endpoint=create_telephony_credential_token,
            client_cls=Client,
            kwargs={"id": _credential_id(request), "idempotency_key": request.idempotency_key},
            headers={"Authorization": f"Bearer {request.credential('api_key')}"},
            finish=_finish,
        )

    @hookimpl(specname="anytoken_sandbox_providers", optionalhook=True)
    def sandbox(self) -> Iterable[SandboxProvider]:
        from .sandbox import telnyx_sandbox

        return [telnyx_sandbox()]


plugin = TelnyxProvider()
