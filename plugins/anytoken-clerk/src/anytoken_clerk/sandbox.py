"""Emulation of the Clerk Backend API's token operations for ``anytoken.devkit.sandbox``.

Behaves like Clerk where it matters to a client: ``Authorization: Bearer`` checks (a wrong instance key is
``401 clerk_key_invalid``; ``/m2m_tokens`` accepts only the machine secret key), Clerk's error shape
``{"errors": [{"message", "long_message", "code", "meta"?}], "clerk_trace_id"}``, body validation per the
upstream spec (``additionalProperties: false`` on M2M and actor bodies, required fields, ranges),
``404 resource_not_found`` on unknown sessions, templates, users and organizations, millisecond timestamps,
and real RS256-signed JWTs (session tokens, JWT-format M2M tokens, actor and sign-in tickets).

Seeded fixtures (constant ids, so the examples below work after every reset): one user, a second user
(the actor), an active session of the first user, the JWT template ``supabase``, an organization the
user belongs to, a machine whose machine secret key is :data:`MACHINE_SECRET_KEY`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from anytoken.devkit.sandbox.model import Route, SandboxProvider, SandboxRequest, SandboxResponse
from anytoken.devkit.sandbox.state import ProviderState

from ._sandbox_answers import _bad_value, _body, _check_key, _clerk_id, _is_int, _is_number, _keyed_body, _missing, _not_found, _unknown

__all__ = [
    "ACTOR_USER_ID",
    "FAPI_ISSUER",
    "INSTANCE_SECRET_KEY",
    "MACHINE_ID",
    "MACHINE_SECRET_KEY",
    "ORG_ID",
    "OTHER_ORG_ID",
    "SESSION_ID",
    "TEMPLATE",
    "USER_ID",
    "sandbox_provider",
]

INSTANCE_SECRET_KEY = "sk_test_anytokenSandboxInstanceKey0000000000000"
MACHINE_SECRET_KEY = "ak_anytokenSandboxMachineKey00000000000000"
#: Clerk ids: a prefix and 27 base62 characters
USER_ID = "user_2anytokenSandboxUser0000001"
ACTOR_USER_ID = "user_2anytokenSandboxActor000001"
SESSION_ID = "sess_2anytokenSandboxSession0001"
ORG_ID = "org_2anytokenSandboxOrg00000001"
OTHER_ORG_ID = "org_2anytokenSandboxOrg00000002"
MACHINE_ID = "mch_2anytokenSandboxMachine0001"
TEMPLATE = "supabase"
FAPI_ISSUER = "https://clerk.sandbox.anytoken.local"
UNKNOWN_SESSION_ID = "sess_2anytokenSandboxNoSuchSess1"
UNKNOWN_USER_ID = "user_2anytokenSandboxNoSuchUser1"

SESSION_TOKEN_TTL = 60  # Clerk session tokens live 60 s
MACHINE_DEFAULT_TTL = 3600
ACTOR_DEFAULT_TTL = 3600
ACTOR_SESSION_DEFAULT = 1800
SIGN_IN_DEFAULT_TTL = 30 * 24 * 3600
TESTING_TOKEN_TTL = 3600
_MAX_SESSION_TTL = 315360000
_M2M_FIELDS = frozenset({"token_format", "seconds_until_expiration", "claims", "min_remaining_ttl_seconds"})
_ACTOR_FIELDS = frozenset({"user_id", "actor", "expires_in_seconds", "session_max_duration_in_seconds"})


# -- Clerk's error shape -----------------------------------------------------------------------------------


def seed(state: ProviderState) -> None:
    with state.lock:
        now = state.now_ms()
        state.store.update(
            {
                "users": {
                    USER_ID: {"id": USER_ID, "organizations": [ORG_ID], "created_at": now},
                    ACTOR_USER_ID: {"id": ACTOR_USER_ID, "organizations": [], "created_at": now},
                },
                "organizations": {ORG_ID: {"id": ORG_ID, "slug": "anytoken"}, OTHER_ORG_ID: {"id": OTHER_ORG_ID, "slug": "elsewhere"}},
                "sessions": {SESSION_ID: {"id": SESSION_ID, "user_id": USER_ID, "status": "active", "last_active_organization_id": ORG_ID}},
                "jwt_templates": {
                    TEMPLATE: {
                        "name": TEMPLATE,
                        "lifetime": 60,
                        "claims": {"aud": "authenticated", "role": "authenticated", "email": "ada@example.com"},
                    }
                },
                "machines": {MACHINE_ID: {"id": MACHINE_ID, "default_token_ttl": MACHINE_DEFAULT_TTL, "scopes": []}},
                "m2m_tokens": {},
                "actor_tokens": {},
                "sign_in_tokens": {},
            }
        )


# -- POST /m2m_tokens --------------------------------------------------------------------------------------


#: the fields of Clerk's ``M2MToken`` answer, in its order (``expired`` is computed when answering)
M2M_TOKEN_FIELDS = (
    "object", "id", "subject", "claims", "scopes", "token", "revoked", "revocation_reason", "expiration",
    "last_used_at", "created_at", "updated_at",
)  # fmt: skip


def _m2m_response(record: Mapping[str, Any], now_ms: int) -> dict[str, Any]:
    out = {k: record[k] for k in M2M_TOKEN_FIELDS}
    out["expired"] = record["expiration"] is not None and record["expiration"] <= now_ms
    return out


def create_m2m_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    data = _keyed_body(request, state, "machine_secret_key", 400, required=True)
    if isinstance(data, SandboxResponse):
        return data
    for name in data:
        if name not in _M2M_FIELDS:
            return _unknown(state, 400, name)
    token_format = data.get("token_format", "opaque")
    if token_format not in ("opaque", "jwt"):
        return _bad_value(state, 400, "token_format", "must be one of: opaque, jwt.")
    lifetime = data.get("seconds_until_expiration")
    if lifetime is not None and (not _is_number(lifetime) or lifetime <= 0):
        return _bad_value(state, 400, "seconds_until_expiration", "must be a number greater than 0.")
    min_ttl = data.get("min_remaining_ttl_seconds")
    if min_ttl is not None and (not _is_int(min_ttl) or min_ttl < 0):
        return _bad_value(state, 400, "min_remaining_ttl_seconds", "must be an integer greater than or equal to 0.")
    machine = state.store["machines"][MACHINE_ID]
    effective = float(lifetime) if lifetime is not None else machine["default_token_ttl"]
    if min_ttl is not None and effective is not None and min_ttl >= effective:
        return _bad_value(
            state,
            400,
            "min_remaining_ttl_seconds",
            f"must be less than the token lifetime ({effective:g} seconds): no new token could satisfy it.",
        )
    claims = data.get("claims")
    now_ms = state.now_ms()
    with state.lock:
        tokens: dict[str, dict[str, Any]] = state.store["m2m_tokens"]
        if min_ttl is not None and token_format == "opaque":
            for record in tokens.values():
                if (
                    record["format"] == "opaque"
                    and not record["revoked"]
                    and record["claims"] == claims
                    and record["scopes"] == machine["scopes"]
                    and (record["expiration"] is None or record["expiration"] - now_ms >= min_ttl * 1000)
                ):
                    return SandboxResponse.json(201, _m2m_response(record, now_ms))
        token_id = state.new_id("mt_", 32)
        expiration = now_ms + int(effective * 1000) if effective is not None else None
        if token_format == "jwt":
            now_s = now_ms // 1000
            jwt_claims: dict[str, Any] = claims if isinstance(claims, dict) else {}
            payload = {
                **{k: v for k, v in jwt_claims.items() if k not in {"iss", "sub", "iat", "nbf", "exp", "jti"}},
                "iss": FAPI_ISSUER,
                "sub": MACHINE_ID,
                "iat": now_s,
                "nbf": now_s - 5,
                "jti": token_id,
            }
            if expiration is not None:
                payload["exp"] = expiration // 1000
            secret = state.sign_jwt(payload, alg="RS256")
        else:
            secret = state.new_id("mt_", 32)
        record = {
            "object": "machine_to_machine_token",
            "id": token_id,
            "subject": MACHINE_ID,
            "claims": claims,
            "scopes": list(machine["scopes"]),
            "token": secret,
            "format": token_format,
            "revoked": False,
            "revocation_reason": None,
            "expiration": expiration,
            "last_used_at": None,
            "created_at": now_ms,
            "updated_at": now_ms,
        }
        tokens[token_id] = record
        state.count_created("createM2MToken")
    return SandboxResponse.json(201, _m2m_response(record, now_ms))


# -- POST /sessions/{session_id}/tokens[/{template_name}] --------------------------------------------------


def _session_token(request: SandboxRequest, state: ProviderState, template_name: str | None) -> SandboxResponse:
    denied = _check_key(request, state, "secret_key")
    if denied is not None:
        return denied
    session = state.store["sessions"].get(request.path_params.get("session_id", ""))
    if session is None or session["status"] != "active":
        return _not_found(state)
    template = None
    if template_name is not None:
        template = state.store["jwt_templates"].get(template_name)
        if template is None:
            return _not_found(state)
    data = _body(request, state, 422, required=False)
    if isinstance(data, SandboxResponse):
        return data
    expires = data.get("expires_in_seconds")
    if expires is not None and (not _is_int(expires) or not 30 <= expires <= _MAX_SESSION_TTL):
        return _bad_value(state, 422, "expires_in_seconds", f"must be an integer between 30 and {_MAX_SESSION_TTL}.")
    now = int(state.now())
    if template is None:
        lifetime = expires if expires is not None else SESSION_TOKEN_TTL
        claims: dict[str, Any] = {
            "azp": "http://localhost:3000",
            "exp": now + lifetime,
            "fva": [0, -1],
            "iat": now,
            "iss": FAPI_ISSUER,
            "nbf": now - 10,
            "sid": session["id"],
            "sts": "active",
            "sub": session["user_id"],
            "v": 2,
        }
        if session.get("last_active_organization_id"):
            claims["o"] = {"id": session["last_active_organization_id"], "rol": "admin", "slg": "anytoken"}
    else:
        lifetime = expires if expires is not None else template["lifetime"]
        claims = {
            **template["claims"],
            "exp": now + lifetime,
            "iat": now,
            "iss": FAPI_ISSUER,
            "jti": state.new_id("", 20),
            "nbf": now - 10,
            "sid": session["id"],
            "sub": session["user_id"],
        }
    return SandboxResponse.json(200, {"object": "token", "jwt": state.sign_jwt(claims, alg="RS256")})


def create_session_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    return _session_token(request, state, None)


def create_session_token_from_template(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    return _session_token(request, state, request.path_params.get("template_name", ""))


# -- POST /actor_tokens and POST /sign_in_tokens: one-time tickets ---------------------------------------


def _issue_ticket(
    state: ProviderState,
    *,
    kind: str,
    user_id: str,
    lifetime: int,
    claims: Mapping[str, Any],
    fields: Mapping[str, Any] | None = None,
) -> SandboxResponse:
    """Mint and store a pending actor / sign-in ticket (a JWT with ``claims``) and answer its record, which
    carries ``fields`` after ``user_id``."""
    with state.lock:
        now = int(state.now())
        ticket_id = _clerk_id(state, "act_" if kind == "actor" else "sit_")
        token = state.sign_jwt(
            {
                "eis": lifetime,
                "exp": now + lifetime,
                "iid": "ins_2anytokenSandboxInstance001",
                "sid": ticket_id,
                "st": kind,
                "sub": user_id,
                **claims,
            },
            alg="RS256",
        )
        now_ms = state.now_ms()
        record = {
            "object": f"{kind}_token",
            "id": ticket_id,
            "status": "pending",
            "user_id": user_id,
            **(fields or {}),
            "token": token,
            "url": f"{FAPI_ISSUER}/v1/tickets/accept?ticket={token}",
            "created_at": now_ms,
            "updated_at": now_ms,
        }
        state.store[f"{kind}_tokens"][ticket_id] = record
    return SandboxResponse.json(200, record)


def create_actor_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    data = _keyed_body(request, state, "secret_key", 422, required=True)
    if isinstance(data, SandboxResponse):
        return data
    for name in data:
        if name not in _ACTOR_FIELDS:
            return _unknown(state, 422, name)
    user_id = data.get("user_id")
    if user_id is None:
        return _missing(state, 422, "user_id")
    if not isinstance(user_id, str):
        return _bad_value(state, 422, "user_id", "must be a string.")
    actor = data.get("actor")
    if actor is None:
        return _missing(state, 422, "actor")
    if not isinstance(actor, dict):
        return _bad_value(state, 422, "actor", "must be an object.")
    if not isinstance(actor.get("sub"), str) or not actor["sub"]:
        return _missing(state, 422, "actor.sub")
    lifetime = data.get("expires_in_seconds", ACTOR_DEFAULT_TTL)
    if not _is_int(lifetime) or lifetime <= 0:
        return _bad_value(state, 422, "expires_in_seconds", "must be a positive integer.")
    session_max = data.get("session_max_duration_in_seconds", ACTOR_SESSION_DEFAULT)
    if not _is_int(session_max) or session_max <= 0:
        return _bad_value(state, 422, "session_max_duration_in_seconds", "must be a positive integer.")
    if user_id not in state.store["users"]:
        # the upstream spec documents 400/402/422 for this operation (no 404)
        return _bad_value(state, 422, "user_id", "does not match any user of this instance.")
    return _issue_ticket(
        state, kind="actor", user_id=user_id, lifetime=lifetime, claims={"act": actor, "smd": session_max}, fields={"actor": actor}
    )


def create_sign_in_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    data = _keyed_body(request, state, "secret_key", 422, required=True)
    if isinstance(data, SandboxResponse):
        return data
    user_id = data.get("user_id")
    if user_id is None:
        return _missing(state, 422, "user_id")
    if not isinstance(user_id, str):
        return _bad_value(state, 422, "user_id", "must be a string.")
    org_id = data.get("org_id")
    if org_id is not None and not isinstance(org_id, str):
        return _bad_value(state, 422, "org_id", "must be a string.")
    lifetime = data.get("expires_in_seconds")
    if lifetime is None:
        lifetime = SIGN_IN_DEFAULT_TTL
    if not _is_int(lifetime) or lifetime < 1:
        return _bad_value(state, 422, "expires_in_seconds", "must be an integer greater than or equal to 1.")
    user = state.store["users"].get(user_id)
    if user is None:
        return _not_found(state)
    if org_id is not None:
        if org_id not in state.store["organizations"]:
            return _not_found(state)
        if org_id not in user["organizations"]:
            return _bad_value(state, 422, "org_id", "must be an organization the user is a member of.")
    return _issue_ticket(state, kind="sign_in", user_id=user_id, lifetime=lifetime, claims={"oid": org_id} if org_id else {})


# -- POST /testing_tokens ---------------------------------------------------------------------------------


def create_testing_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    denied = _check_key(request, state, "secret_key")
    if denied is not None:
        return denied
    now = int(state.now())
    token = f"{now}-{_clerk_id(state, 'c_')}"
    return SandboxResponse.json(200, {"object": "testing_token", "token": token, "expires_at": now + TESTING_TOKEN_TTL})


ROUTES: tuple[tuple[str, str, Callable[[SandboxRequest, ProviderState], SandboxResponse], str, bool], ...] = (
    ("POST", "/m2m_tokens", create_m2m_token, "createM2MToken", False),  # counts creations itself (reuse creates nothing)
    ("POST", "/sessions/{session_id}/tokens", create_session_token, "CreateSessionToken", False),
    ("POST", "/sessions/{session_id}/tokens/{template_name}", create_session_token_from_template, "CreateSessionTokenFromTemplate", False),
    ("POST", "/actor_tokens", create_actor_token, "CreateActorToken", True),
    ("POST", "/sign_in_tokens", create_sign_in_token, "CreateSignInToken", True),
    ("POST", "/testing_tokens", create_testing_token, "CreateTestingToken", False),
)


def _routes() -> tuple[tuple[str, str, Callable[[SandboxRequest, ProviderState], SandboxResponse], str, bool], ...]:
    from ._sandbox_revoke import REVOKE_ROUTES

    return ROUTES + REVOKE_ROUTES


def sandbox_provider() -> SandboxProvider:
    """The Clerk emulation, mounted at ``/clerk/v1``."""
    return SandboxProvider(
        name="clerk",
        jwt_algorithms=("RS256",),
        base_path="/clerk/v1",
        routes=tuple(Route(method, path, handler, op, creates=creates) for method, path, handler, op, creates in _routes()),
        credentials={"secret_key": INSTANCE_SECRET_KEY, "machine_secret_key": MACHINE_SECRET_KEY},
        examples={
            "m2m": {"token_format": "opaque", "seconds_until_expiration": 600, "claims": {"scope": "reports:read"}},
            "session": {"session_id": SESSION_ID},
            "actor": {"user_id": USER_ID, "actor": {"sub": ACTOR_USER_ID}, "expires_in_seconds": 600},
            "sign_in": {"user_id": USER_ID, "expires_in_seconds": 600},
            "testing": {},
        },
        seed=seed,
        not_found={
            "session": {"session_id": UNKNOWN_SESSION_ID},
            "sign_in": {"user_id": UNKNOWN_USER_ID},
        },
        invalid={
            "m2m": {"min_remaining_ttl_seconds": MACHINE_DEFAULT_TTL},
            "actor": {"user_id": UNKNOWN_USER_ID, "actor": {"sub": ACTOR_USER_ID}},
            "sign_in": {"user_id": USER_ID, "org_id": OTHER_ORG_ID},
        },
    )
