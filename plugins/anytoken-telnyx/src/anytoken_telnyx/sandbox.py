"""The Telnyx emulation served by ``anytoken.devkit.sandbox``: telephony credentials and their access tokens.

Mounted at ``/telnyx/v2``. Behaves like ``api.telnyx.com/v2`` for the operations of Telnyx's "SDK Client
Credentials" API that matter for tokens:

- every route needs ``Authorization: Bearer <api key>``; a missing or wrong key gets 401 with Telnyx's
  error document (code ``10009``, "Authentication failed");
- ``POST /telephony_credentials/{id}/token`` answers 201 ``text/plain`` with an HS512 JWT (``aud``/``iss``
  ``telnyx_telephony``, ``typ`` ``access``, ``tel_token``, ``sub``, ``jti``, ``iat``, ``nbf`` = iat - 1,
  ``exp`` = iat + 24 h or the credential's expiry when sooner); an unknown id gets 404 *without a body*;
  a repeated ``Idempotency-Key`` replays the first answer;
- ``POST /telephony_credentials`` creates a credential (201 ``{"data": credential}``; 422 with a Telnyx
  error document naming the field when the body is not valid), ``GET``/``DELETE
  /telephony_credentials/{id}`` read and delete one (404 without a body when unknown).

Seeded with one credential (:data:`SEED_CREDENTIAL_ID`) on the credential connection
:data:`SEED_CONNECTION_ID`; new credentials must name a seeded connection.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from typing import Any

from anytoken.devkit.sandbox.model import BadJSONError, Route, SandboxProvider, SandboxRequest, SandboxResponse

__all__ = [
    "SANDBOX_API_KEY",
    "SEED_CONNECTION_ID",
    "EXPIRED_CREDENTIAL_ID",
    "SEED_CREDENTIAL_ID",
    "TOKEN_LIFETIME",
    "UNKNOWN_CREDENTIAL_ID",
    "telnyx_sandbox",
]

#: The fake API key the sandbox accepts (Telnyx v2 keys look like ``KEY<32 hex>_<22 chars>``).
SANDBOX_API_KEY = "KEY0190A3C5E7F94B1D8E2F6A0B4C8D1E3F_SandboxFakeKey0Telnyx01"
#: The seeded telephony credential (an On-demand Credential of the seeded connection).
SEED_CREDENTIAL_ID = "c215ade3-0d39-418e-94be-c5f780760199"
#: The seeded Credential Connection (Telnyx connection ids are long decimal numbers).
SEED_CONNECTION_ID = "1684641123236054244"
#: An id that is well formed but unknown to the sandbox (404).
UNKNOWN_CREDENTIAL_ID = "00000000-0000-4000-8000-000000000000"
#: a seeded credential whose expires_at has passed: Telnyx refuses a token for it (422)
EXPIRED_CREDENTIAL_ID = "7e1d2c3b-4a5f-4e6d-8c7b-9a0b1c2d3e4f"
#: Lifetime of an access token, in seconds (capped by the credential's own expiry).
TOKEN_LIFETIME = 24 * 3600

_USER_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
_CREDENTIALS = "credentials"
_CONNECTIONS = "connections"
_IDEMPOTENCY = "idempotency"
_CREATE_FIELDS = ("name", "tag", "connection_id", "expires_at")
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


# -- Telnyx's answers -----------------------------------------------------------------------------


def _errors(status: int, *errors: dict[str, Any]) -> SandboxResponse:
    return SandboxResponse.json(status, {"errors": list(errors)})


def _unauthorized() -> SandboxResponse:
    return _errors(
        401,
        {
            "code": "10009",
            "title": "Authentication failed",
            "detail": "Could not understand the provided credentials.",
            "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10009"},
        },
    )


def _invalid(pointer: str, code: str, title: str, detail: str) -> dict[str, Any]:
    return {
        "code": code,
        "title": title,
        "detail": detail,
        "source": {"pointer": pointer},
        "meta": {"url": f"https://developers.telnyx.com/docs/overview/errors/{code}"},
    }


def _not_found() -> SandboxResponse:
    """Telnyx answers an unknown credential id with a bare 404: no body, no content type."""
    return SandboxResponse.empty(404)


def _authorized(request: SandboxRequest, state: Any) -> bool:
    return bool(state.authorized(request.bearer(), "api_key"))


# -- helpers --------------------------------------------------------------------------------------


def _uuid(state: Any) -> str:
    """A random (or, with a sandbox seed, deterministic) version-4 UUID."""
    raw = int(state.new_id("", 32), 16)
    raw = (raw & ~(0xF << 76)) | (0x4 << 76)  # version 4
    raw = (raw & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return str(uuid.UUID(int=raw))


def _alnum(state: Any, length: int) -> str:
    """``length`` random letters and digits (Telnyx's generated SIP usernames are ``gencred`` + 22 of them)."""
    value = int(state.new_id("", 40), 16)
    out = []
    for _ in range(length):
        value, digit = divmod(value, len(_ALNUM))
        out.append(_ALNUM[digit])
    return "".join(out)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"


def _parse_time(value: str) -> float | None:
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def _public(credential: dict[str, Any], now: float) -> dict[str, Any]:
    """The ``TelephonyCredential`` document (``expired`` computed at read time)."""
    out = {k: v for k, v in credential.items() if not k.startswith("_")}
    expires = credential.get("_expires_ts")
    out["expired"] = expires is not None and expires <= now
    return out


def _new_credential(
    state: Any, *, connection_id: str, name: str | None, tag: str | None, expires_at: str | None, cid: str | None = None
) -> dict[str, Any]:
    now = state.now()
    stamp = _iso(now)
    credential: dict[str, Any] = {
        "id": cid or _uuid(state),
        "record_type": "credential",
        "name": name if name is not None else datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S.%fZ"),
        "resource_id": f"connection:{connection_id}",
        "expired": False,
        "sip_username": "gencred" + _alnum(state, 22),
        "sip_password": state.new_id("", 32),
        "created_at": stamp,
        "updated_at": stamp,
        "user_id": _USER_ID,
    }
    if tag is not None:
        credential["tag"] = tag
    if expires_at is not None:
        credential["expires_at"] = expires_at
        credential["_expires_ts"] = _parse_time(expires_at)
    return credential


def _credentials(state: Any) -> dict[str, dict[str, Any]]:
    store: dict[str, dict[str, Any]] = state.store.setdefault(_CREDENTIALS, {})
    return store


# -- route handlers -------------------------------------------------------------------------------


def create_token(request: SandboxRequest, state: Any) -> SandboxResponse:
    """``POST /telephony_credentials/{id}/token`` (CreateTelephonyCredentialToken)."""
    if not _authorized(request, state):
        return _unauthorized()
    cid = request.path_params["id"]
    key = request.headers.get("idempotency-key")
    with state.lock:
        credential = _credentials(state).get(cid)
        if credential is None:
            return _not_found()
        replays: dict[tuple[str, str], str] = state.store.setdefault(_IDEMPOTENCY, {})
        if key and (key, cid) in replays:
            return SandboxResponse.text(201, replays[(key, cid)])
        now = int(state.now())
        expires = credential.get("_expires_ts")
        if expires is not None and expires <= now:
            return _errors(
                422,
                _invalid("/id", "10015", "Bad Request", "The credential has expired: create a new credential to get a token."),
            )
        exp = now + TOKEN_LIFETIME
        if expires is not None:
            exp = min(exp, int(expires))
        claims = {
            "aud": "telnyx_telephony",
            "exp": exp,
            "iat": now,
            "iss": "telnyx_telephony",
            "jti": _uuid(state),
            "nbf": now - 1,
            "sub": cid,
            "tel_token": base64.urlsafe_b64encode(bytes.fromhex(state.new_id("", 192))).decode(),
            "typ": "access",
        }
        jwt = state.sign_jwt(claims, alg="HS512")
        if key:
            replays[(key, cid)] = jwt
    return SandboxResponse.text(201, jwt)


def create_credential(request: SandboxRequest, state: Any) -> SandboxResponse:
    """``POST /telephony_credentials`` (CreateTelephonyCredential)."""
    if not _authorized(request, state):
        return _unauthorized()
    try:
        body = request.json()
    except BadJSONError:
        return _errors(422, _invalid("/", "10015", "Bad Request", "The request body is not valid JSON."))
    if not isinstance(body, dict):
        return _errors(422, _invalid("/", "10015", "Bad Request", "The request body must be a JSON object."))
    problems: list[dict[str, Any]] = []
    for field in _CREATE_FIELDS:
        value = body.get(field)
        if value is not None and not isinstance(value, str):
            problems.append(_invalid(f"/{field}", "10015", "Bad Request", f"The '{field}' parameter must be a string."))
    connection_id = body.get("connection_id")
    if connection_id is None or connection_id == "":
        problems.append(_invalid("/connection_id", "10004", "Missing required parameter", "The 'connection_id' parameter is required."))
    elif isinstance(connection_id, str) and connection_id not in state.store.get(_CONNECTIONS, ()):
        problems.append(
            _invalid("/connection_id", "10015", "Bad Request", "The 'connection_id' does not refer to a credential connection.")
        )
    expires_at = body.get("expires_at")
    if isinstance(expires_at, str) and _parse_time(expires_at) is None:
        problems.append(_invalid("/expires_at", "10015", "Bad Request", "The 'expires_at' parameter must be an ISO-8601 date-time."))
    if problems:
        return _errors(422, *problems)
    with state.lock:
        credential = _new_credential(
            state, connection_id=str(connection_id), name=body.get("name"), tag=body.get("tag"), expires_at=expires_at
        )
        _credentials(state)[credential["id"]] = credential
        return SandboxResponse.json(201, {"data": _public(credential, state.now())})


def get_credential(request: SandboxRequest, state: Any) -> SandboxResponse:
    """``GET /telephony_credentials/{id}`` (GetTelephonyCredential)."""
    if not _authorized(request, state):
        return _unauthorized()
    with state.lock:
        credential = _credentials(state).get(request.path_params["id"])
        if credential is None:
            return _not_found()
        return SandboxResponse.json(200, {"data": _public(credential, state.now())})


def delete_credential(request: SandboxRequest, state: Any) -> SandboxResponse:
    """``DELETE /telephony_credentials/{id}`` (DeleteTelephonyCredential)."""
    if not _authorized(request, state):
        return _unauthorized()
    with state.lock:
        credential = _credentials(state).pop(request.path_params["id"], None)
        if credential is None:
            return _not_found()
        return SandboxResponse.json(200, {"data": _public(credential, state.now())})


def seed(state: Any) -> None:
    """One credential connection with two credentials on it: one without expiry, one expired."""
    with state.lock:
        state.store[_CONNECTIONS] = {SEED_CONNECTION_ID: {"id": SEED_CONNECTION_ID, "record_type": "credential_connection"}}
        credential = _new_credential(
            state, connection_id=SEED_CONNECTION_ID, name="anytoken-sandbox", tag="sandbox", expires_at=None, cid=SEED_CREDENTIAL_ID
        )
        _credentials(state)[SEED_CREDENTIAL_ID] = credential
        expired = _new_credential(
            state,
            connection_id=SEED_CONNECTION_ID,
            name="anytoken-expired",
            tag="sandbox",
            expires_at="2020-01-01T00:00:00Z",
            cid=EXPIRED_CREDENTIAL_ID,
        )
        expired["expired"] = True
        _credentials(state)[EXPIRED_CREDENTIAL_ID] = expired


def telnyx_sandbox() -> SandboxProvider:
    return SandboxProvider(
        name="telnyx",
        jwt_algorithms=("HS512",),
        base_path="/telnyx/v2",
        routes=(
            Route("POST", "/telephony_credentials/{id}/token", create_token, "CreateTelephonyCredentialToken"),
            Route("POST", "/telephony_credentials", create_credential, "CreateTelephonyCredential", creates=True),
            Route("GET", "/telephony_credentials/{id}", get_credential, "GetTelephonyCredential"),
            Route("DELETE", "/telephony_credentials/{id}", delete_credential, "DeleteTelephonyCredential"),
        ),
        credentials={"api_key": SANDBOX_API_KEY},
        examples={"credential": {"credential_id": SEED_CREDENTIAL_ID}},
        seed=seed,
        not_found={"credential": {"credential_id": UNKNOWN_CREDENTIAL_ID}},
        invalid={"credential": {"credential_id": EXPIRED_CREDENTIAL_ID}},
    )
