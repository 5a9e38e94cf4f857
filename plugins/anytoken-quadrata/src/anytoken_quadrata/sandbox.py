"""The Quadrata emulation served by ``anytoken.devkit.sandbox``: ``POST /login``.

Mounted at ``/quadrata/api/v1`` (one emulation serves both the production and the sandbox environment: a
sandbox client points both at it). Behaves like Quadrata's API:

- no auth header: the API key travels in the JSON body ``{"apiKey": ...}``;
- a body that is not JSON, not an object, or whose ``apiKey`` is missing, empty or not a string gets 400;
  an unknown key gets 401 — both in the error document of Quadrata's (NestJS) API,
  ``{"statusCode": ..., "message": ..., "error": ...}``;
- success is 200 ``{"data": {"accessToken": <JWT>, "type": "login"}}``; the JWT is HS256 with ``iss``,
  ``aud``, ``sub`` (the organisation the key belongs to), ``type`` ``login``, ``jti``, ``iat`` and
  ``exp`` = ``iat`` + 3600 (60 minutes, as documented).
"""

from __future__ import annotations

import uuid
from typing import Any

from anytoken.devkit.sandbox.model import BadJSONError, Route, SandboxProvider, SandboxRequest, SandboxResponse

__all__ = ["ORGANIZATION_ID", "SANDBOX_API_KEY", "TOKEN_LIFETIME", "login", "quadrata_sandbox"]

#: The fake API key the sandbox accepts.
SANDBOX_API_KEY = "qd_sandbox_7c1e9a4b2f6d8e0a3c5b7d9f1e2a4c6b"
#: The organisation the sandbox key belongs to (the JWT's ``sub``).
ORGANIZATION_ID = "6e2b8f0a-4c1d-4e9b-a7f3-5d0c9b8a1e2f"
#: Access tokens live 60 minutes.
TOKEN_LIFETIME = 3600
ISSUER = "quadrata"
AUDIENCE = "quadrata-api"


def _error(status: int, error: str, message: str) -> SandboxResponse:
    return SandboxResponse.json(status, {"statusCode": status, "message": message, "error": error})


def _uuid(state: Any) -> str:
    raw = int(state.new_id("", 32), 16)
    raw = (raw & ~(0xF << 76)) | (0x4 << 76)
    raw = (raw & ~(0x3 << 62)) | (0x2 << 62)
    return str(uuid.UUID(int=raw))


def login(request: SandboxRequest, state: Any) -> SandboxResponse:
    """``POST /login`` (createAccessToken)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body: Any = None
    if request.body and content_type == "application/json":
        try:
            body = request.json()
        except BadJSONError:
            return _error(400, "Bad Request", "Unexpected token in JSON body")
    api_key = body.get("apiKey") if isinstance(body, dict) else None
    if not isinstance(api_key, str) or not api_key:
        return _error(400, "Bad Request", "apiKey must be a non-empty string")
    if not state.authorized(api_key, "api_key"):
        return _error(401, "Unauthorized", "Invalid API key")
    now = int(state.now())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": ORGANIZATION_ID,
        "type": "login",
        "jti": _uuid(state),
        "iat": now,
        "exp": now + TOKEN_LIFETIME,
    }
    return SandboxResponse.json(200, {"data": {"accessToken": state.sign_jwt(claims, alg="HS256"), "type": "login"}})


def quadrata_sandbox() -> SandboxProvider:
    return SandboxProvider(
        name="quadrata",
        jwt_algorithms=("HS256",),
        base_path="/quadrata/api/v1",
        routes=(Route("POST", "/login", login, "createAccessToken"),),
        credentials={"api_key": SANDBOX_API_KEY},
        examples={"access": {"environment": "sandbox"}},
    )
