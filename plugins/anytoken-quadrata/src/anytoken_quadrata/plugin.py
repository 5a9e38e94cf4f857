"""Quadrata: exchange an API key for a 60-minute API access token (JWT).

``POST {base}/login`` with the JSON body ``{"apiKey": <QUADRATA_API_KEY>}`` and no auth header answers 200
``{"data": {"accessToken": <JWT>, "type": "login"}}``. The answer carries no expiry: it is read from the
JWT's ``exp``. The ``environment`` parameter picks the production or the sandbox (integration) API, as the
JS SDK's ``QuadrataEnvironment`` does; an explicit base URL or ``QUADRATA_BASE_URL`` overrides both.

This module is what the ``anytoken`` entry point names: it imports only light things. The generated client
is imported in :meth:`QuadrataProvider.plan`, the sandbox emulation in :meth:`QuadrataProvider.sandbox`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from anytoken.declarations import CredentialField, Param, ProviderInfo, TokenKind
from anytoken.provider import Call, GeneratedProvider, expect, hookimpl, malformed
from anytoken.tokens import Token, TokenRequest

if TYPE_CHECKING:
    from anytoken.devkit.sandbox.model import SandboxProvider

__all__ = ["DECLARATION", "PRODUCTION_URL", "SANDBOX_URL", "QuadrataProvider", "plugin"]

PRODUCTION_URL = "https://prod.quadrata.com/api/v1"
SANDBOX_URL = "https://int.quadrata.com/api/v1"

DECLARATION = ProviderInfo(
    name="quadrata",
    kinds=(
        TokenKind(
            name="access",
            help=(
                "API access token (JWT, 60 minutes) for Quadrata's onboarding components and API services, "
                "exchanged for the API key at POST /login."
            ),
            params=(
                Param(
                    name="environment",
                    type="str",
                    default="production",
                    choices=("production", "sandbox"),
                    help="Quadrata environment: production (prod.quadrata.com) or sandbox (int.quadrata.com).",
                ),
            ),
            credentials=("api_key",),
            reusable=True,
            persistent=False,
            idempotent=True,
            auth_header="Authorization",
            auth_scheme="Bearer",
        ),
    ),
    credentials=(
        CredentialField(name="api_key", env=("QUADRATA_API_KEY",), help="Quadrata API key (a server secret; one per environment)."),
    ),
    base_urls=(("production", PRODUCTION_URL), ("sandbox", SANDBOX_URL)),
    base_url_env="QUADRATA_BASE_URL",
    env_param="environment",
    help="Quadrata API access tokens (onboarding and API services).",
    docs_url="https://docs.quadrata.com/integration/how-to-integrate/quadrata-sdk/advanced/api-libraries/api-service-libraries/create-access-token",
)


def _finish(request: TokenRequest, response: Any) -> Token:
    parsed = expect(request, response, ok=200)
    status = int(response.status_code)
    data = getattr(parsed, "data", None)
    value = getattr(data, "access_token", None)
    if not isinstance(value, str) or not value.strip():
        raise malformed(request, "lacks the accessToken field", status)
    value = value.strip()
    metadata: dict[str, Any] = {"environment": request.environment or request.params.get("environment", "production")}
    token_type = getattr(data, "type_", None)
    if isinstance(token_type, str):
        metadata["type"] = token_type
    return Token.from_value(request.provider, request.kind, value, metadata=metadata, raw=parsed)


class QuadrataProvider(GeneratedProvider):
    """The ``quadrata`` provider: one kind, ``access``."""

    name = "quadrata"

    def declare(self) -> ProviderInfo:
        return DECLARATION

    def plan(self, request: TokenRequest) -> Call:
        from anytoken_quadrata_client.api.authentication import create_access_token
        from anytoken_quadrata_client.client import Client
        from anytoken_quadrata_client.models.login_request import LoginRequest

        return Call(
            endpoint=create_access_token,
            client_cls=Client,
            kwargs={"body": LoginRequest(api_key=request.credential("api_key"))},
            headers={},
            finish=_finish,
        )

    @hookimpl(specname="anytoken_sandbox_providers", optionalhook=True)
    def sandbox(self) -> Iterable[SandboxProvider]:
        from .sandbox import quadrata_sandbox

        return [quadrata_sandbox()]


plugin = QuadrataProvider()
