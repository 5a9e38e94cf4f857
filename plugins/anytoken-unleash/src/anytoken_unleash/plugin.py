"""The Unleash provider: backend / frontend API tokens and personal access tokens (verified against 8.2.0).

Unleash is self-hosted, so there is no default base URL: set ``UNLEASH_URL`` (the server root, e.g.
``http://localhost:4242``) or pass ``base_url=...``. The credential ``api_token`` (``UNLEASH_API_TOKEN``)
is an admin API token (``*:*.<hex>``) or a personal access token (``user:<hex>``); it travels bare in
``Authorization`` as the official tools send it.

* ``backend`` (default) / ``frontend``: ``POST /api/admin/api-tokens`` with ``tokenName``, ``type``,
  ``environment`` and ``projects`` (never the singular ``project``, which 8.x silently ignores). With a
  single ``project`` (and no ``projects``) the project-scoped ``POST /api/admin/projects/{projectId}/api-tokens``
  is used instead, so an unknown project is a 404 (:class:`~anytoken.errors.NotFoundError`).
* ``personal``: ``POST /api/admin/user/tokens`` (a personal access token of the calling user). It needs a
  user identity: the credential must itself be a personal access token; an admin API token gets 403.

Every kind creates a persistent resource at the server (a retried POST makes a second token), so no kind
is idempotent; a minted token is reusable until its ``expiresAt``.

This module imports only light things; the generated client is imported inside :meth:`UnleashProvider.plan`
and the emulator inside :meth:`UnleashProvider.sandbox`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from anytoken.declarations import CredentialField, Param, ProviderInfo, TokenKind
from anytoken.errors import AuthenticationError, InvalidParameterError, NotFoundError, scrub
from anytoken.provider import (
    Call,
    GeneratedProvider,
    RevokeCall,
    SecretMapping,
    error_for_response,
    expect,
    given,
    hookimpl,
    malformed,
)
from anytoken.tokens import RevokeRequest, Token, TokenRequest

if TYPE_CHECKING:
    from anytoken.devkit.sandbox.model import SandboxProvider

__all__ = ["DECLARATION", "PAT_DEFAULT_LIFETIME", "UnleashProvider", "plugin"]

NAME = "unleash"
#: lifetime of a personal access token when ``expires_at`` is not given (Unleash requires an expiry)
PAT_DEFAULT_LIFETIME = timedelta(days=30)
_API_TOKEN_KINDS = ("backend", "frontend")


def _api_token_params(kind: str) -> tuple[Param, ...]:
    return (
        Param("token_name", "str", help=f"The token's name (tokenName). Default: anytoken-{kind}-<UTC timestamp>-<call id>."),
        Param("environment", "str", default="development", help="The environment the token is valid for (default development)."),
        Param(
            "projects",
            "str_list",
            help='The projects the token is valid for, comma-separated on the command line (default ["*"]: every project).',
        ),
        Param(
            "project",
            "str",
            help="One project: uses the project-scoped endpoint (404 when the project does not exist). Not with projects.",
        ),
        Param("expires_at", "datetime", help="When the token expires (ISO 8601). Default: never."),
    )


# every kind creates a resource; the minted secret travels bare in Authorization, as the SDKs send it
_COMMON: dict[str, Any] = {"credentials": ("api_token",), "reusable": True, "persistent": True, "idempotent": False, "auth_scheme": ""}
_BACKEND = TokenKind(
    name="backend",
    help=(
        "A backend (server-side SDK) API token, accepted on /api/client/* (POST /api/admin/api-tokens, or "
        "POST /api/admin/projects/{projectId}/api-tokens with --project)."
    ),
    params=_api_token_params("backend"),
    **_COMMON,
)
_FRONTEND = TokenKind(
    name="frontend",
    help="A frontend (browser / mobile SDK) API token, accepted on /api/frontend (same endpoints as backend).",
    params=_api_token_params("frontend"),
    **_COMMON,
)
_PERSONAL = TokenKind(
    name="personal",
    help=(
        "A personal access token of the calling user (POST /api/admin/user/tokens). The credential must be a "
        "personal access token itself: Unleash refuses admin API tokens here (403)."
    ),
    params=(
        Param(
            "description",
            "str",
            help="The PAT's description, unique per user. Default: anytoken-personal-<UTC timestamp>-<call id>.",
        ),
        Param(
            "expires_at",
            "datetime",
            help="When the PAT expires (ISO 8601, in the future). Unleash requires one: default now + 30 days.",
        ),
    ),
    **_COMMON,
)
DECLARATION = ProviderInfo(
    name=NAME,
    kinds=(_BACKEND, _FRONTEND, _PERSONAL),
    credentials=(
        CredentialField(
            "api_token",
            env=("UNLEASH_API_TOKEN",),
            help=(
                "An admin API token (*:*.<hex>) or a personal access token (user:<hex>) allowed to create API tokens; "
                "kind personal needs a personal access token."
            ),
        ),
    ),
    base_urls=(),
    base_url_env="UNLEASH_URL",
    base_url_example="http://localhost:4242",
    help="Unleash feature flags (self-hosted): backend / frontend API tokens and personal access tokens.",
    docs_url="https://docs.getunleash.io/reference/api-tokens-and-client-keys",
    kind_hints=(
        ("admin", "Unleash 8.x refuses to create admin API tokens (400): use kind personal for a personal access token."),
        ("client", "'client' is Unleash's deprecated name for backend tokens: use kind backend."),
    ),
)


class UnleashProvider(GeneratedProvider):
    """anytoken's Unleash plugin (entry point ``unleash = "anytoken_unleash.plugin:plugin"``)."""

    name = NAME

    def declare(self) -> ProviderInfo:
        return DECLARATION

    # -- calls --------------------------------------------------------------------------------------

    def plan(self, request: TokenRequest) -> Call:
        _check_base_url(request)
        if request.kind == "personal":
            return self._plan_personal(request)
        return self._plan_api_token(request)

    def _plan_api_token(self, request: TokenRequest) -> Call:
        from anytoken_unleash_client.client import Client
        from anytoken_unleash_client.types import UNSET

        params = request.params
        problems: list[tuple[str, str]] = []
        token_name = params.get("token_name")
        if token_name is None:
            token_name = _default_name(request)
        elif not token_name.strip():
            problems.append(("token_name", "must not be empty"))
        environment = params.get("environment")
        if environment is None:
            environment = "development"
        elif not environment.strip():
            problems.append(("environment", "must not be empty"))
        project = params.get("project")
        projects = params.get("projects")
        if project is not None and projects is not None:
            problems.append(("project", "cannot be combined with projects: pass project for one project or projects for several"))
        elif projects is not None and not projects:
            problems.append(("projects", 'must name at least one project ("*" for every project)'))
        elif project is not None and not project.strip():
            problems.append(("project", "must not be empty"))
        if problems:
            raise InvalidParameterError(problems, provider=request.provider, kind=request.kind)
        expires_at = params.get("expires_at")
        headers = SecretMapping({"Authorization": request.credential("api_token")})
        if project is not None:
            from anytoken_unleash_client.api.projects import create_project_api_token
            from anytoken_unleash_client.models.create_project_api_token_schema import CreateProjectApiTokenSchema

            scoped = CreateProjectApiTokenSchema(
                token_name=token_name,
                type_=request.kind,  # type: ignore[arg-type]
                environment=environment,
                expires_at=UNSET if expires_at is None else expires_at,
            )
            return Call(
                endpoint=create_project_api_token,
                client_cls=Client,
                kwargs={"project_id": project, "body": scoped},
                headers=headers,
                finish=_finish_api_token,
            )
        from anytoken_unleash_client.api.api_tokens import create_api_token
        from anytoken_unleash_client.models.create_api_token_schema import CreateApiTokenSchema

        body = CreateApiTokenSchema(
            token_name=token_name,
            type_=request.kind,  # type: ignore[arg-type]
            environment=environment,
            projects=list(projects) if projects is not None else ["*"],
            expires_at=UNSET if expires_at is None else expires_at,
        )
        return Call(endpoint=create_api_token, client_cls=Client, kwargs={"body": body}, headers=headers, finish=_finish_api_token)

    def _plan_personal(self, request: TokenRequest) -> Call:
        from anytoken_unleash_client.api.personal_access_tokens import create_pat
        from anytoken_unleash_client.client import Client
        from anytoken_unleash_client.models.create_pat_schema import CreatePatSchema

        params = request.params
        description = params.get("description")
        if description is None:
            description = _default_name(request)
        elif not description.strip():
            raise InvalidParameterError([("description", "must not be empty")], provider=request.provider, kind=request.kind)
        expires_at = params.get("expires_at")
        if expires_at is None:
            expires_at = datetime.now(UTC) + PAT_DEFAULT_LIFETIME
        body = CreatePatSchema(description=description, expires_at=expires_at)
        headers = SecretMapping({"Authorization": request.credential("api_token")})
        return Call(endpoint=create_pat, client_cls=Client, kwargs={"body": body}, headers=headers, finish=_finish_personal)

    # -- revocation ---------------------------------------------------------------------------------

    def plan_revoke(self, request: RevokeRequest) -> RevokeCall:
        """API tokens are deleted by secret (the project-scoped route when minted for one project), PATs by id."""
        from anytoken_unleash_client.client import Client

        _check_base_url(request)
        token = request.token
        headers = SecretMapping({"Authorization": request.credential("api_token")})
        if token.kind == "personal":
            from anytoken_unleash_client.api.personal_access_tokens import delete_pat

            if not token.id or not token.id.isdigit():
                raise InvalidParameterError(
                    [("token.id", "must be the PAT's numeric id: pass the Token create_token returned (anytoken create --json keeps it)")],
                    provider=token.provider,
                    kind=token.kind,
                )
            if not request.credential("api_token").startswith("user:"):
                # Unleash answers 500 to an admin API token here (it has no user): say what works instead
                raise InvalidParameterError(
                    [("credentials.api_token", "must be the owner's personal access token (user:<hex>) to delete a PAT")],
                    provider=token.provider,
                    kind=token.kind,
                )
            return RevokeCall(delete_pat, Client, {"id": int(token.id)}, headers)
        project = token.metadata.get("project")
        if isinstance(project, str) and project:
            from anytoken_unleash_client.api.projects import delete_project_api_token

            return RevokeCall(delete_project_api_token, Client, SecretMapping({"project_id": project, "token": token.value}), headers)
        from anytoken_unleash_client.api.api_tokens import delete_api_token

        return RevokeCall(delete_api_token, Client, SecretMapping({"token": token.value}), headers)

    # -- sandbox ------------------------------------------------------------------------------------

    @hookimpl(specname="anytoken_sandbox_providers", optionalhook=True)
    def sandbox(self) -> Iterable[SandboxProvider]:
        from .sandbox import sandbox_provider

        return [sandbox_provider()]


def _check_base_url(request: TokenRequest | RevokeRequest) -> None:
    """The SDKs' ``UNLEASH_URL`` often ends in ``/api``; anytoken needs the server root."""
    base = request.base_url.rstrip("/")
    if base.endswith("/api"):
        raise InvalidParameterError(
            [("base_url", f"give the Unleash server root ({base[:-4]}), not the SDK API URL ending in /api")],
            provider=request.provider,
            kind=request.kind,
        )


def _default_name(request: TokenRequest) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"anytoken-{request.kind}-{stamp}-{request.idempotency_key.replace('-', '')[:6]}"


def _given(value: Any) -> Any:
    """``value``, or None when the generated client left it UNSET."""
    from anytoken_unleash_client.types import Unset

    return given(value, Unset)


def _finish_api_token(request: TokenRequest, response: Any) -> Token:
    status = int(response.status_code)
    if status == 403:
        raise _forbidden(
            request,
            response,
            "creating API tokens needs an admin API token (*:*.<hex>) or a personal access token of a user with the "
            "CREATE_API_TOKEN permission; backend and frontend tokens cannot create tokens",
        )
    if status == 404 and request.params.get("project") is not None:
        err = error_for_response(request, status, dict(response.headers), response.content)
        raise NotFoundError(
            f"Unleash has no project {request.params['project']!r}: check the project id (every server has 'default')",
            provider=request.provider,
            kind=request.kind,
            status=status,
            request_id=err.request_id,
        )
    parsed = expect(request, response, ok=201)
    secret = _given(getattr(parsed, "secret", None))
    if not isinstance(secret, str) or not secret.strip():
        raise malformed(request, "lacks the token's secret", status)
    expires_at = _given(parsed.expires_at)
    metadata: dict[str, Any] = {
        "tokenName": parsed.token_name,
        "type": parsed.type_,
        "environment": _given(parsed.environment),
        "projects": list(parsed.projects),
    }
    if request.params.get("project") is not None:
        metadata["project"] = request.params["project"]
    return Token.from_value(request.provider, request.kind, secret, expires_at=_aware(expires_at), metadata=metadata, raw=parsed)


def _finish_personal(request: TokenRequest, response: Any) -> Token:
    status = int(response.status_code)
    if status == 403:
        # Unleash: "PATs require an authenticated user." An admin API token has no user behind it.
        raise _forbidden(
            request,
            response,
            "Unleash creates personal access tokens only for a user: set UNLEASH_API_TOKEN to a personal access token "
            "(user:<hex>) or use a user session; admin API tokens are refused",
        )
    parsed = expect(request, response, ok=201)
    secret = _given(getattr(parsed, "secret", None))
    if not isinstance(secret, str) or not secret.strip():
        raise malformed(request, "lacks the token's secret", status)
    metadata: dict[str, Any] = {"description": parsed.description}
    user_id = _given(parsed.user_id)
    if user_id is not None:
        metadata["userId"] = user_id
    return Token.from_value(
        request.provider,
        request.kind,
        secret,
        expires_at=_aware(parsed.expires_at),
        id=str(parsed.id),
        metadata=metadata,
        raw=parsed,
    )


def _forbidden(request: TokenRequest, response: Any, advice: str) -> AuthenticationError:
    """403 with what the credential must be (the provider's own message kept, scrubbed, in parentheses)."""
    err = error_for_response(request, int(response.status_code), dict(response.headers), response.content)
    detail = ""
    try:
        body = json.loads(response.content or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        detail = scrub(body["message"][:200], request.secrets())
    suffix = f" (Unleash says: {detail})" if detail else ""
    return AuthenticationError(
        f"{advice}{suffix}", provider=request.provider, kind=request.kind, status=err.status, request_id=err.request_id
    )


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


plugin = UnleashProvider()
