"""The Clerk provider: five token kinds of the Clerk Backend API (BAPI).

- ``m2m`` (default): ``POST /m2m_tokens`` with the machine secret key (``ak_...``).
- ``session``: ``POST /sessions/{session_id}/tokens[/{template}]`` with the instance secret key (``sk_...``).
- ``actor``: ``POST /actor_tokens`` (impersonation), instance secret key.
- ``sign_in``: ``POST /sign_in_tokens``, instance secret key.
- ``testing``: ``POST /testing_tokens`` (bot-protection bypass for end-to-end tests), instance secret key.

This module is what the entry point imports: it imports only the light core modules. The generated
client and the sandbox emulation are imported inside :meth:`ClerkProvider.plan` / :meth:`ClerkProvider.sandbox`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from anytoken.declarations import CredentialField, Param, ProviderInfo, TokenKind
from anytoken.errors import InvalidParameterError, NotRevocableError
from anytoken.provider import Call, GeneratedProvider, RevokeCall, expect, given, hookimpl, malformed
from anytoken.tokens import RevokeRequest, Token, TokenRequest

if TYPE_CHECKING:
    from anytoken.devkit.sandbox.model import SandboxProvider

__all__ = ["API_VERSION", "DECLARATION", "DEFAULT_BASE_URL", "ClerkProvider", "plugin"]

DEFAULT_BASE_URL = "https://api.clerk.com/v1"
#: the ``Clerk-API-Version`` the official SDKs send
API_VERSION = "2025-11-10"

#: documented server-side defaults, used only to date a non-JWT actor/sign-in token
_ACTOR_DEFAULT_TTL = 3600
_SIGN_IN_DEFAULT_TTL = 30 * 24 * 3600

_SECRET_KEY = "secret_key"
_MACHINE_KEY = "machine_secret_key"


#: actor and sign-in tokens: one-time tickets (each mint creates one), used in a sign-in URL (__clerk_ticket),
#: not in a request header
_TICKET: dict[str, Any] = {"reusable": False, "persistent": True, "idempotent": False, "auth_header": None}
_M2M = TokenKind(
    "m2m",
    help="Machine-to-machine token for the machine that owns the machine secret key (opaque or JWT).",
    params=(
        Param(
            "token_format",
            "str",
            default="opaque",
            choices=("opaque", "jwt"),
            help="opaque (revocable, verified by Clerk) or jwt (verified offline)",
        ),
        Param("seconds_until_expiration", "float", help="lifetime in seconds (> 0); default: the machine's default TTL"),
        Param("claims", "json", help="custom claims carried by the token (any JSON value)"),
        Param(
            "min_remaining_ttl_seconds",
            "int",
            minimum=0,
            help="let Clerk return an existing opaque token with identical claims that has at least this many seconds left "
            "(must be less than the lifetime)",
        ),
    ),
    credentials=(_MACHINE_KEY,),
    persistent=True,
    idempotent=False,
)
_SESSION = TokenKind(
    "session",
    help="Session JWT for an active session, optionally shaped by a JWT template.",
    params=(
        Param("session_id", "str", required=True, help="the session (sess_...)"),
        Param("template", "str", help="name of a JWT template of the instance (e.g. supabase)"),
        Param("expires_in_seconds", "int", minimum=30, maximum=315360000, help="override the token lifetime (30 s .. 10 years)"),
    ),
    credentials=(_SECRET_KEY,),
)
_ACTOR = TokenKind(
    "actor",
    help="One-time actor (impersonation) token: lets the actor sign in as the user.",
    params=(
        Param("user_id", "str", required=True, help="the user to impersonate (user_...)"),
        Param("actor", "object", required=True, help='the actor payload, a JSON object with at least "sub" (the actor\'s id)'),
        Param("expires_in_seconds", "int", minimum=1, help="lifetime of the actor token (server default 1 hour)"),
        Param(
            "session_max_duration_in_seconds",
            "int",
            minimum=1,
            help="maximum lifetime of the session it creates (server default 30 minutes)",
        ),
    ),
    credentials=(_SECRET_KEY,),
    **_TICKET,
)
_SIGN_IN = TokenKind(
    "sign_in",
    help="One-time sign-in token (ticket) for a user.",
    params=(
        Param("user_id", "str", required=True, help="the user who signs in with the token (user_...)"),
        Param("org_id", "str", help="organization to activate on sign-in (the user must be a member)"),
        Param("expires_in_seconds", "int", minimum=1, help="lifetime of the token (server default 30 days)"),
    ),
    credentials=(_SECRET_KEY,),
    **_TICKET,
)
_TESTING = TokenKind(
    "testing",
    help="Testing token that lets end-to-end tests through Clerk's bot protection (__clerk_testing_token).",
    params=(),
    credentials=(_SECRET_KEY,),
    auth_header=None,  # sent as the __clerk_testing_token query parameter of Frontend API requests
)
DECLARATION = ProviderInfo(
    name="clerk",
    kinds=(_M2M, _SESSION, _ACTOR, _SIGN_IN, _TESTING),
    credentials=(
        CredentialField(_SECRET_KEY, env=("CLERK_SECRET_KEY",), help="instance secret key (sk_live_... / sk_test_...)"),
        CredentialField(_MACHINE_KEY, env=("CLERK_MACHINE_SECRET_KEY",), help="machine secret key (ak_...), for M2M tokens"),
    ),
    base_urls=(("default", DEFAULT_BASE_URL),),
    base_url_env="CLERK_API_URL",
    base_url_example=DEFAULT_BASE_URL,
    help="Clerk Backend API: machine-to-machine, session, actor, sign-in and testing tokens.",
    docs_url="https://clerk.com/docs/reference/backend-api",
)


def _headers(request: TokenRequest | RevokeRequest, field: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {request.credential(field)}", "Clerk-API-Version": API_VERSION}


def _from_timestamp(value: Any) -> datetime | None:
    """A Clerk timestamp: milliseconds (Clerk's convention) or, when small, seconds. None when it is not a
    number or not a representable time: the spec's int64 has no bounds, and an expiry we cannot represent is
    an unknown expiry, not a crash."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        seconds = value / 1000.0 if abs(value) >= 1e11 else float(value)
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _plus(moment: datetime | None, seconds: int) -> datetime | None:
    """``moment`` + ``seconds``, None when the sum leaves datetime's range."""
    if moment is None:
        return None
    try:
        return moment + timedelta(seconds=seconds)
    except OverflowError:
        return None


def _is_given(value: Any) -> bool:
    """True when the generated client returned ``value`` (neither None nor UNSET)."""
    from anytoken_clerk_client.types import Unset

    return given(value, Unset) is not None


class ClerkProvider(GeneratedProvider):
    """The ``clerk`` provider."""

    name = "clerk"

    def declare(self) -> ProviderInfo:
        return DECLARATION

    @hookimpl(specname="anytoken_sandbox_providers", optionalhook=True)
    def sandbox(self) -> Iterable[SandboxProvider]:
        from .sandbox import sandbox_provider

        return [sandbox_provider()]

    def plan(self, request: TokenRequest) -> Call:
        planners = {
            "m2m": self._plan_m2m,
            "session": self._plan_session,
            "actor": self._plan_actor,
            "sign_in": self._plan_sign_in,
            "testing": self._plan_testing,
        }
        return planners[request.kind](request)

    # -- revocation -----------------------------------------------------------------------------------

    def plan_revoke(self, request: RevokeRequest) -> RevokeCall:
        """M2M (opaque), actor and sign-in tokens are revoked by id; session JWTs and testing tokens cannot be."""
        from anytoken_clerk_client import Client

        token = request.token
        where: dict[str, Any] = {"provider": token.provider, "kind": token.kind}
        if token.kind in ("session", "testing"):
            why = "revoke the session instead (POST /sessions/{id}/revoke)" if token.kind == "session" else "it expires by itself"
            raise NotRevocableError(f"Clerk cannot revoke one {token.kind} token: {why}", **where)
        if token.kind == "m2m" and (token.metadata.get("token_format") == "jwt" or token.claims is not None):
            raise NotRevocableError("a JWT M2M token is stateless: Clerk cannot revoke it, it stays valid until it expires", **where)
        if not token.id:
            raise InvalidParameterError(
                [("token.id", "is missing: pass the Token create_token returned (anytoken create clerk --json keeps the id)")], **where
            )
        if token.kind == "m2m":
            from anytoken_clerk_client.api.m2m_tokens import revoke_m2m_token
            from anytoken_clerk_client.models import RevokeM2MTokenBody

            kwargs: dict[str, Any] = {"m2m_token_id": token.id, "body": RevokeM2MTokenBody()}
            return RevokeCall(revoke_m2m_token, Client, kwargs, _headers(request, _MACHINE_KEY))
        if token.kind == "actor":
            from anytoken_clerk_client.api.actor_tokens import revoke_actor_token

            return RevokeCall(revoke_actor_token, Client, {"actor_token_id": token.id}, _headers(request, _SECRET_KEY))
        from anytoken_clerk_client.api.sign_in_tokens import revoke_sign_in_token

        return RevokeCall(revoke_sign_in_token, Client, {"sign_in_token_id": token.id}, _headers(request, _SECRET_KEY))

    # -- m2m ------------------------------------------------------------------------------------------

    def _plan_m2m(self, request: TokenRequest) -> Call:
        from anytoken_clerk_client import Client
        from anytoken_clerk_client.api.m2m_tokens import create_m2m_token
        from anytoken_clerk_client.models import CreateM2MTokenBody
        from anytoken_clerk_client.types import UNSET

        p = request.params
        lifetime = p.get("seconds_until_expiration")
        ttl = p.get("min_remaining_ttl_seconds")
        problems: list[tuple[str, str]] = []
        if lifetime is not None and lifetime <= 0:
            problems.append(("seconds_until_expiration", "must be > 0"))
        elif lifetime is not None and ttl is not None and ttl >= lifetime:
            problems.append(("min_remaining_ttl_seconds", "must be less than seconds_until_expiration"))
        if problems:
            raise InvalidParameterError(problems, provider=request.provider, kind=request.kind)
        body = CreateM2MTokenBody(
            token_format=p.get("token_format", "opaque"),
            seconds_until_expiration=lifetime if lifetime is not None else UNSET,
            claims=p.get("claims", UNSET),
            min_remaining_ttl_seconds=ttl if ttl is not None else UNSET,
        )
        return Call(create_m2m_token, Client, {"body": body}, _headers(request, _MACHINE_KEY), _finish_m2m)

    # -- session --------------------------------------------------------------------------------------

    def _plan_session(self, request: TokenRequest) -> Call:
        from anytoken_clerk_client import Client
        from anytoken_clerk_client.api.sessions import create_session_token, create_session_token_from_template
        from anytoken_clerk_client.models import CreateSessionTokenBody, CreateSessionTokenFromTemplateBody
        from anytoken_clerk_client.types import UNSET

        p = request.params
        session_id = str(p["session_id"])
        template = p.get("template")
        expires = p.get("expires_in_seconds", UNSET)
        problems = [
            (name, "must not be empty")
            for name, value in (("session_id", session_id), ("template", template))
            if value is not None and not value.strip()
        ]
        if problems:
            raise InvalidParameterError(problems, provider=request.provider, kind=request.kind)
        headers = _headers(request, _SECRET_KEY)
        if template is not None:
            kwargs: dict[str, Any] = {
                "session_id": session_id,
                "template_name": template,
                "body": CreateSessionTokenFromTemplateBody(expires_in_seconds=expires),
            }
            return Call(create_session_token_from_template, Client, kwargs, headers, _finish_session)
        kwargs = {"session_id": session_id, "body": CreateSessionTokenBody(expires_in_seconds=expires)}
        return Call(create_session_token, Client, kwargs, headers, _finish_session)

    # -- actor ----------------------------------------------------------------------------------------

    def _plan_actor(self, request: TokenRequest) -> Call:
        from anytoken_clerk_client import Client
        from anytoken_clerk_client.api.actor_tokens import create_actor_token
        from anytoken_clerk_client.models import CreateActorTokenBody, CreateActorTokenBodyActor
        from anytoken_clerk_client.types import UNSET

        p = request.params
        actor = p["actor"]
        sub = actor.get("sub") if isinstance(actor, Mapping) else None
        if not isinstance(sub, str) or not sub.strip():
            raise InvalidParameterError(
                [("actor", 'must carry "sub", the actor\'s user id as a non-empty string (actor.sub)')],
                provider=request.provider,
                kind=request.kind,
            )
        body = CreateActorTokenBody(
            user_id=str(p["user_id"]),
            actor=CreateActorTokenBodyActor.from_dict(dict(actor)),
            expires_in_seconds=p.get("expires_in_seconds", UNSET),
            session_max_duration_in_seconds=p.get("session_max_duration_in_seconds", UNSET),
        )
        return Call(create_actor_token, Client, {"body": body}, _headers(request, _SECRET_KEY), _finish_actor)

    # -- sign_in --------------------------------------------------------------------------------------

    def _plan_sign_in(self, request: TokenRequest) -> Call:
        from anytoken_clerk_client import Client
        from anytoken_clerk_client.api.sign_in_tokens import create_sign_in_token
        from anytoken_clerk_client.models import CreateSignInTokenBody
        from anytoken_clerk_client.types import UNSET

        p = request.params
        body = CreateSignInTokenBody(
            user_id=str(p["user_id"]),
            org_id=p.get("org_id", UNSET),
            expires_in_seconds=p.get("expires_in_seconds", UNSET),
        )
        return Call(create_sign_in_token, Client, {"body": body}, _headers(request, _SECRET_KEY), _finish_sign_in)

    # -- testing --------------------------------------------------------------------------------------

    def _plan_testing(self, request: TokenRequest) -> Call:
        from anytoken_clerk_client import Client
        from anytoken_clerk_client.api.testing_tokens import create_testing_token

        return Call(create_testing_token, Client, {}, _headers(request, _SECRET_KEY), _finish_testing)


# -- finishing: typed response -> Token ---------------------------------------------------------------


def _finish_m2m(request: TokenRequest, response: Any) -> Token:
    from anytoken_clerk_client.models import M2MToken

    status = int(response.status_code)
    parsed = expect(request, response, ok=201)
    if not isinstance(parsed, M2MToken) or not parsed.token:
        raise malformed(request, "lacks the token field", status)
    expires_at = _from_timestamp(parsed.expiration)
    metadata: dict[str, Any] = {
        "subject": parsed.subject,
        "token_format": request.params.get("token_format", "opaque"),
        "scopes": list(parsed.scopes) if isinstance(parsed.scopes, list) else [],
    }
    if _is_given(parsed.claims):
        metadata["claims"] = parsed.claims
    return Token.from_value(
        request.provider, request.kind, parsed.token, expires_at=expires_at, id=parsed.id, metadata=metadata, raw=parsed
    )


def _finish_session(request: TokenRequest, response: Any) -> Token:
    from anytoken_clerk_client.models import SessionToken

    status = int(response.status_code)
    parsed = expect(request, response, ok=200)
    if not isinstance(parsed, SessionToken) or not _is_given(parsed.jwt) or not parsed.jwt:
        raise malformed(request, "lacks the jwt field", status)
    metadata: dict[str, Any] = {"session_id": request.params["session_id"]}
    if request.params.get("template") is not None:
        metadata["template"] = request.params["template"]
    return Token.from_value(request.provider, request.kind, str(parsed.jwt), metadata=metadata, raw=parsed)


def _ticket(request: TokenRequest, token: str, *, created_at: Any, lifetime: int, id: str, metadata: dict[str, Any], raw: Any) -> Token:
    """An actor/sign-in ticket: expiry from the JWT ``exp`` when it has one, else its creation time plus
    the requested (or documented default) lifetime."""
    result = Token.from_value(request.provider, request.kind, token, id=id, metadata=metadata, raw=raw)
    if result.expires_at is None and isinstance(created_at, int | float) and not isinstance(created_at, bool) and created_at > 0:
        result = attrs.evolve(result, expires_at=_plus(_from_timestamp(created_at), lifetime))
    return result


def _finish_ticket(request: TokenRequest, response: Any, model: type[Any], default_ttl: int, metadata: dict[str, Any]) -> Token:
    """An actor / sign-in ticket answer (``model``): the token, its id and status, dated as :func:`_ticket` says."""
    status = int(response.status_code)
    parsed = expect(request, response, ok=200)
    if not isinstance(parsed, model) or not _is_given(parsed.token) or not parsed.token:
        raise malformed(request, "lacks the token field", status)
    lifetime = int(request.params.get("expires_in_seconds") or default_ttl)
    metadata = {"user_id": parsed.user_id, **metadata, "status": str(parsed.status)}
    return _ticket(request, str(parsed.token), created_at=parsed.created_at, lifetime=lifetime, id=parsed.id, metadata=metadata, raw=parsed)


def _finish_actor(request: TokenRequest, response: Any) -> Token:
    from anytoken_clerk_client.models import ActorToken

    return _finish_ticket(request, response, ActorToken, _ACTOR_DEFAULT_TTL, {"actor_sub": request.params["actor"].get("sub")})


def _finish_sign_in(request: TokenRequest, response: Any) -> Token:
    from anytoken_clerk_client.models import SignInToken

    org = request.params.get("org_id")
    return _finish_ticket(request, response, SignInToken, _SIGN_IN_DEFAULT_TTL, {} if org is None else {"org_id": org})


def _finish_testing(request: TokenRequest, response: Any) -> Token:
    from anytoken_clerk_client.models import TestingToken

    status = int(response.status_code)
    parsed = expect(request, response, ok=200)
    if not isinstance(parsed, TestingToken) or not parsed.token:
        raise malformed(request, "lacks the token field", status)
    # ``expires_at`` is a Unix timestamp in seconds (upstream spec example 1713880800)
    expires_at = _from_timestamp(parsed.expires_at) if parsed.expires_at else None  # 0: not given
    return Token.from_value(request.provider, request.kind, parsed.token, expires_at=expires_at, raw=parsed)


plugin = ClerkProvider()
