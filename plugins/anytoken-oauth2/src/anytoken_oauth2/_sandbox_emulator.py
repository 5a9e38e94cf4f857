"""An emulated OAuth 2.0 authorization server for ``anytoken sandbox`` (see ``sandbox.py`` for the mounts).

It behaves like a strict, standard server:

- metadata (RFC 8414 / OIDC Discovery) naming its token, revocation, introspection and JWKS endpoints and
  every token endpoint auth method;
- client authentication by ``client_secret_basic`` (id and secret form-urlencoded before Base64, RFC 6749
  §2.3.1), ``client_secret_post``, ``client_secret_jwt`` (HS256), ``private_key_jwt`` (the registered EC key,
  ES256) — assertions need ``iss`` = ``sub`` = client_id, ``aud`` = the token endpoint (or the issuer), an
  ``exp`` within 5 minutes and a ``jti`` never seen before — or ``none`` for the public client; two methods
  at once is ``invalid_request``; a failure is 401 ``invalid_client`` (with ``WWW-Authenticate`` for Basic);
- the grants client_credentials, jwt_bearer (an assertion signed like a client assertion), token_exchange
  (a subject token this server issued, or the seeded one) and refresh_token (the seeded refresh token, or a
  rotated one, which is single use); the errors of RFC 6749 §5.2 (``invalid_scope`` for a scope outside
  ``SCOPES``, ``invalid_target`` for a resource outside ``RESOURCES`` ...) with ``Cache-Control: no-store``;
- revocation (RFC 7009: 200 even for unknown tokens) and introspection (RFC 7662).
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import attrs

from anytoken.devkit.sandbox.model import SandboxRequest, SandboxResponse

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "Layout",
    "PRIVATE_KEY",
    "PUBLIC_CLIENT_ID",
    "REFRESH_TOKEN",
    "RESOURCES",
    "SCOPES",
    "SUBJECT_TOKEN",
    "handlers",
]

CLIENT_ID = "anytoken-sandbox-client"
#: reserved characters on purpose: a client that skips RFC 6749 §2.3.1's form-encoding fails Basic auth
CLIENT_SECRET = "sandbox-secret:with+reserved/chars%and=more-0123456789"
PUBLIC_CLIENT_ID = "anytoken-sandbox-public"
SUBJECT_TOKEN = "sandbox-subject-token-6f1c2a9e4b7d"
REFRESH_TOKEN = "sandbox-refresh-token-3b8e1d5a7c9f"
SCOPES = ("api:read", "api:write", "openid", "https://graph.microsoft.com/.default")  # the last: Entra's app-only scope (docs/oauth2.md)
RESOURCES = ("https://api.example.test",)
TOKEN_LIFETIME = 3600
ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: the sandbox client's EC P-256 key (a sandbox fixture, accepted nowhere else)
PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgctt/sENeH3wT15U3
ezHfF22rfQ6XLU2J/zd+VpxzA9ehRANCAATRPgz+XZmlDTIyXB/24Do9hFbgV81e
i0qkDV1j3bK4drlqQ1jRwTYtF6iH2BkoYjLX+hZHVm682AcQEGsZD68/
-----END PRIVATE KEY-----
"""
_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"]
_GRANTS = {
    "client_credentials": "client_credentials",
    "urn:ietf:params:oauth:grant-type:jwt-bearer": "jwt_bearer",
    "urn:ietf:params:oauth:grant-type:token-exchange": "token_exchange",
    "refresh_token": "refresh_token",
}


@attrs.frozen
class Layout:
    """Where a vendor puts things: ``issuer(base, path_params)``, and endpoint paths relative to
    ``root(base, path_params)`` (the issuer unless given)."""

    issuer: Callable[[str, Mapping[str, str]], str]
    root: Callable[[str, Mapping[str, str]], str] | None = None
    token: str = "/token"
    revocation: str | None = "/revoke"
    introspection: str | None = "/introspect"


class _Failure(Exception):
    def __init__(self, status: int, error: str, description: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(error)
        self.description = description
        self.response = _error(status, error, description, headers)


_NO_STORE = (("cache-control", "no-store"), ("pragma", "no-cache"))


def _error(status: int, error: str, description: str, headers: tuple[tuple[str, str], ...] = ()) -> SandboxResponse:
    return SandboxResponse.json(status, {"error": error, "error_description": description}, (*_NO_STORE, *headers))


def _form(request: SandboxRequest) -> dict[str, list[str]]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise _Failure(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
    try:
        form = parse_qs(request.body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise _Failure(400, "invalid_request", "the body is not UTF-8") from None
    for name, values in form.items():
        if len(values) > 1 and name != "resource":
            raise _Failure(400, "invalid_request", f"parameter {name} is repeated")
    return form


def _one(form: Mapping[str, list[str]], name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None


def _public_key() -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return load_pem_private_key(PRIVATE_KEY.encode(), password=None).public_key()


def _verify_assertion(state: Any, token: str, audiences: tuple[str, ...], *, client_id: str | None) -> tuple[str, str]:
    """(issuer, method) of a JWT signed with a client's secret (HS256) or registered key (ES256/RS256)."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
        alg = header.get("alg")
        key: Any = state.credentials.get("client_secret") if alg == "HS256" else _public_key() if alg == "ES256" else None
        if key is None:
            raise jwt.InvalidTokenError(f"alg {alg} is not accepted")
        claims = jwt.decode(token, key, algorithms=[str(alg)], audience=list(audiences), options={"require": ["iss", "exp", "jti"]})
    except jwt.InvalidTokenError as exc:
        raise _Failure(401, "invalid_client", f"the assertion is not valid ({type(exc).__name__})") from None
    iss = claims["iss"]
    if iss != CLIENT_ID or (client_id is not None and (claims.get("sub") != iss or client_id != iss)):
        raise _Failure(401, "invalid_client", "unknown client, or iss / sub / client_id disagree")
    if claims["exp"] - time.time() > 300:
        raise _Failure(401, "invalid_client", "the assertion lives longer than 5 minutes")
    with state.lock:
        seen: set[str] = state.store.setdefault("jtis", set())
        if claims["jti"] in seen:
            raise _Failure(401, "invalid_client", "the assertion's jti was used before (replay)")
        seen.add(claims["jti"])
    return iss, "client_secret_jwt" if alg == "HS256" else "private_key_jwt"


def _client(
    state: Any, request: SandboxRequest, form: Mapping[str, list[str]], audiences: tuple[str, ...], *, optional: bool
) -> str | None:
    """The authenticated client id (None when ``optional`` and the client did not authenticate)."""
    header = request.headers.get("authorization", "")
    methods = []
    if header.lower().startswith("basic "):
        methods.append("basic")
    if _one(form, "client_assertion") is not None:
        methods.append("jwt")
    if _one(form, "client_secret") is not None:
        methods.append("post")
    if len(methods) > 1:
        raise _Failure(400, "invalid_request", "more than one client authentication method")
    body_id = _one(form, "client_id")
    if methods == ["basic"]:
        challenge = (("www-authenticate", 'Basic realm="anytoken-sandbox"'),)
        try:
            user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise _Failure(401, "invalid_client", "malformed Basic credentials", challenge) from None
        client_id, secret = unquote_plus(user), unquote_plus(password)
        if not (state.authorized(client_id, "client_id") and state.authorized(secret, "client_secret")):
            raise _Failure(401, "invalid_client", "client authentication failed", challenge)
        return client_id
    if methods == ["post"]:
        if not (state.authorized(body_id, "client_id") and state.authorized(_one(form, "client_secret"), "client_secret")):
            raise _Failure(401, "invalid_client", "client authentication failed")
        return body_id
    if methods == ["jwt"]:
        if _one(form, "client_assertion_type") != ASSERTION:
            raise _Failure(400, "invalid_request", f"client_assertion_type must be {ASSERTION}")
        client_id, _ = _verify_assertion(state, _one(form, "client_assertion") or "", audiences, client_id=body_id or CLIENT_ID)
        return client_id
    if body_id == PUBLIC_CLIENT_ID:
        return body_id
    if body_id is not None or not optional:
        raise _Failure(401, "invalid_client", "client authentication failed")
    return None


def _scopes(form: Mapping[str, list[str]], allowed: tuple[str, ...] = SCOPES) -> list[str]:
    requested = (_one(form, "scope") or "").split()
    unknown = [s for s in requested if s not in allowed]
    if unknown:
        raise _Failure(400, "invalid_scope", f"scope {unknown[0]} is not allowed for this client")
    return requested


def _issue(state: Any, issuer: str, subject: str, client_id: str, scopes: list[str], aud: Any) -> dict[str, Any]:
    now = int(state.now())
    claims = {
        "iss": issuer,
        "sub": subject,
        "aud": aud,
        "client_id": client_id,
        "scope": " ".join(scopes),
        "jti": state.new_id("", 24),
        "iat": now,
        "exp": now + TOKEN_LIFETIME,
    }
    token = state.sign_jwt(claims, alg="RS256")
    return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME, "scope": " ".join(scopes)}


def _active(state: Any, token: str, issuer: str) -> dict[str, Any] | None:
    try:
        claims = state.verify_jwt(token)
    except Exception:  # any invalid token is simply inactive (RFC 7662 §2.2)
        return None
    with state.lock:
        revoked = claims.get("jti") in state.store.setdefault("revoked", set())
    if revoked or claims.get("iss") != issuer or claims.get("exp", 0) <= state.now():
        return None
    return dict(claims)


def _grant(state: Any, form: Mapping[str, list[str]], issuer: str, audiences: tuple[str, ...], client_id: str | None) -> dict[str, Any]:
    grant = _GRANTS.get(_one(form, "grant_type") or "")
    if grant is None:
        raise _Failure(400, "unsupported_grant_type", "grant_type is missing or not supported")
    resources = form.get("resource", [])
    unknown = [r for r in resources if r not in RESOURCES]
    if unknown:
        raise _Failure(400, "invalid_target", f"unknown resource {unknown[0][:80]}")
    aud: Any = resources[0] if len(resources) == 1 else resources or _one(form, "audience") or issuer
    if grant == "client_credentials":
        if client_id is None or client_id == PUBLIC_CLIENT_ID:
            raise _Failure(400, "unauthorized_client", "client_credentials needs a confidential client")
        return _issue(state, issuer, client_id, client_id, _scopes(form), aud)
    if grant == "jwt_bearer":
        assertion = _one(form, "assertion")
        if not assertion:
            raise _Failure(400, "invalid_request", "assertion is required")
        try:
            subject, _ = _verify_assertion(state, assertion, audiences, client_id=None)
        except _Failure as exc:
            raise _Failure(400, "invalid_grant", exc.description) from None
        return _issue(state, issuer, subject, client_id or subject, _scopes(form), aud)
    if client_id is None:
        raise _Failure(401, "invalid_client", "client authentication is required for this grant")
    if grant == "token_exchange":
        subject_token, subject_type = _one(form, "subject_token"), _one(form, "subject_token_type")
        if not subject_token or not subject_type:
            raise _Failure(400, "invalid_request", "subject_token and subject_token_type are required")
        claims = {"sub": "sandbox-user"} if subject_token == SUBJECT_TOKEN else _active(state, subject_token, issuer)
        if claims is None:
            raise _Failure(400, "invalid_grant", "the subject_token is not valid")
        if _one(form, "actor_token") is not None and not _one(form, "actor_token_type"):
            raise _Failure(400, "invalid_request", "actor_token_type is required with actor_token")
        answer = _issue(state, issuer, str(claims.get("sub")), client_id, _scopes(form), aud)
        answer["issued_token_type"] = _one(form, "requested_token_type") or "urn:ietf:params:oauth:token-type:access_token"
        return answer
    refresh = _one(form, "refresh_token") or ""
    with state.lock:
        rotated: set[str] = state.store.setdefault("refresh_tokens", set())
        if refresh != REFRESH_TOKEN and refresh not in rotated:
            raise _Failure(400, "invalid_grant", "the refresh token is invalid, expired or already used")
        rotated.discard(refresh)  # single use; the seeded one stays valid so the examples keep working
        new_refresh = "rt_" + state.new_id("", 40)
        rotated.add(new_refresh)
    answer = _issue(state, issuer, "sandbox-user", client_id, _scopes(form), aud)
    answer["refresh_token"] = new_refresh
    answer["id_token"] = state.sign_jwt(
        {"iss": issuer, "sub": "sandbox-user", "aud": client_id, "iat": int(state.now()), "exp": int(state.now()) + 300}
    )
    return answer


def handlers(layout: Layout) -> dict[str, Callable[[SandboxRequest, Any], SandboxResponse]]:
    """The route handlers of one mount: metadata, token, revocation, introspection."""

    def issuer_of(request: SandboxRequest, state: Any) -> str:
        return layout.issuer(state.base_url, request.path_params)

    def root_of(request: SandboxRequest, state: Any) -> str:
        return (layout.root or layout.issuer)(state.base_url, request.path_params).rstrip("/")

    def metadata(request: SandboxRequest, state: Any) -> SandboxResponse:
        issuer = root_of(request, state)
        doc: dict[str, Any] = {
            "issuer": layout.issuer(state.base_url, request.path_params),
            "token_endpoint": issuer + layout.token,
            "token_endpoint_auth_methods_supported": _AUTH_METHODS,
            "token_endpoint_auth_signing_alg_values_supported": ["HS256", "ES256"],
            "grant_types_supported": list(_GRANTS),
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["token"],
            "jwks_uri": issuer + "/jwks",
        }
        if layout.revocation:
            doc["revocation_endpoint"] = issuer + layout.revocation
        if layout.introspection:
            doc["introspection_endpoint"] = issuer + layout.introspection
        return SandboxResponse.json(200, doc)

    def audiences(request: SandboxRequest, state: Any, path: str) -> tuple[str, ...]:
        return (root_of(request, state) + path, issuer_of(request, state))

    def token(request: SandboxRequest, state: Any) -> SandboxResponse:
        try:
            form = _form(request)
            auds = audiences(request, state, layout.token)
            client_id = _client(
                state, request, form, auds, optional=_one(form, "grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer"
            )
            answer = _grant(state, form, issuer_of(request, state), auds, client_id)
        except _Failure as failure:
            return failure.response
        return SandboxResponse.json(200, answer, _NO_STORE)

    def revoke(request: SandboxRequest, state: Any) -> SandboxResponse:
        try:
            form = _form(request)
            _client(state, request, form, audiences(request, state, layout.revocation or ""), optional=False)
        except _Failure as failure:
            return failure.response
        claims = _active(state, _one(form, "token") or "", issuer_of(request, state))
        if claims is not None:
            with state.lock:
                state.store.setdefault("revoked", set()).add(claims.get("jti"))
        return SandboxResponse.empty(200)

    def introspect(request: SandboxRequest, state: Any) -> SandboxResponse:
        try:
            form = _form(request)
            _client(state, request, form, audiences(request, state, layout.introspection or ""), optional=False)
        except _Failure as failure:
            return failure.response
        claims = _active(state, _one(form, "token") or "", issuer_of(request, state))
        if claims is None:
            return SandboxResponse.json(200, {"active": False})
        return SandboxResponse.json(200, {"active": True, "token_type": "Bearer", **claims})

    def jwks(request: SandboxRequest, state: Any) -> SandboxResponse:
        return SandboxResponse.json(200, state.jwks())

    return {"metadata": metadata, "token": token, "revoke": revoke, "introspect": introspect, "jwks": jwks}
