"""Qrvey emulation for the anytoken sandbox (mounted at ``/qrvey``).

* ``POST /devapi/v4/core/login/token``: ``x-api-key`` checked first (401 ``{"message": "Unauthorized"}``,
  API-Gateway style); the body must be a JSON object with string ``userid`` and ``appid`` (400 naming the
  field), optional string ``clientid`` and ``expiresIn`` (a duration, 400 otherwise). The answer is
  ``{"token": "<HS256 JWT>"}`` whose claims are the request's configuration (``userid``, ``appid``,
  ``clientid`` and every further key such as ``orgId`` or ``permissions``) plus ``iat`` and ``exp``
  (``expiresIn``, one hour by default).
* ``POST /admin/api/v5/login``: ``{"username", "accessKey"}``; missing fields → 400, wrong values → 401
  ``{"status": false, "message": ...}``; success → ``{"token": "<HS256 JWT, 24 h>", "status": true}``.

Qrvey has no path ids, so nothing here answers 404.
"""

from __future__ import annotations

from typing import Any

from anytoken.devkit.sandbox.model import BadJSONError, Route, SandboxProvider, SandboxRequest, SandboxResponse

from ._duration import EXAMPLE, duration_problem, duration_seconds

__all__ = [
    "ADMIN_ACCESS_KEY",
    "ADMIN_TOKEN_SECONDS",
    "ADMIN_USERNAME",
    "API_KEY",
    "APP_ID",
    "DEFAULT_WIDGET_SECONDS",
    "USER_ID",
    "admin_login",
    "generate_widget_token",
    "qrvey_sandbox",
]

API_KEY = "qrvey_sandbox_key_6f1c2d9e8b7a4c3f"
ADMIN_USERNAME = "sandbox-admin"
ADMIN_ACCESS_KEY = "qrvey_sandbox_access_3b8e51a0d27c49f6"
USER_ID = "OIJFsiSsdafgf-"
APP_ID = "fQiu0ogde3454sv"
DEFAULT_WIDGET_SECONDS = 3600
ADMIN_TOKEN_SECONDS = 86400


def _bad_request(message: str, field: str) -> SandboxResponse:
    return SandboxResponse.json(400, {"message": message, "errors": [{"field": field, "message": message}]})


def generate_widget_token(request: SandboxRequest, state: Any) -> SandboxResponse:
    """``generateWidgetSecurityToken``."""
    if not state.authorized(request.headers.get("x-api-key"), "api_key"):
        return SandboxResponse.json(401, {"message": "Unauthorized"})
    try:
        body = request.json()
    except BadJSONError:
        return SandboxResponse.json(400, {"message": "Request body is not valid JSON"})
    if not isinstance(body, dict):
        return SandboxResponse.json(400, {"message": "Request body must be a JSON object"})
    for field in ("userid", "appid"):
        value = body.get(field)
        if value is None:
            return _bad_request(f'"{field}" is required', field)
        if not isinstance(value, str) or not value.strip():
            return _bad_request(f'"{field}" must be a non-empty string', field)
    if "clientid" in body and not isinstance(body["clientid"], str):
        return _bad_request('"clientid" must be a string', "clientid")
    lifetime = float(DEFAULT_WIDGET_SECONDS)
    if "expiresIn" in body:
        expires_in = body["expiresIn"]
        if not isinstance(expires_in, str) or duration_problem(expires_in) is not None:
            return _bad_request(f'"expiresIn" must be {EXAMPLE}', "expiresIn")
        lifetime = duration_seconds(expires_in) or lifetime
    now = int(state.now())
    claims = {k: v for k, v in body.items() if k not in ("expiresIn", "iat", "exp")}
    claims.update({"iat": now, "exp": now + int(lifetime)})
    token = state.sign_jwt(claims, alg="HS256")
    return SandboxResponse.json(200, {"token": token})


def admin_login(request: SandboxRequest, state: Any) -> SandboxResponse:
    """``adminCenterLogin``."""
    try:
        body = request.json()
    except BadJSONError:
        return SandboxResponse.json(400, {"status": False, "message": "Request body is not valid JSON"})
    if not isinstance(body, dict):
        return SandboxResponse.json(400, {"status": False, "message": "Request body must be a JSON object"})
    for field in ("username", "accessKey"):
        value = body.get(field)
        if not isinstance(value, str) or not value:
            return SandboxResponse.json(400, {"status": False, "message": f'"{field}" is required'})
    if not (state.authorized(body["username"], "admin_username") and state.authorized(body["accessKey"], "admin_access_key")):
        return SandboxResponse.json(401, {"status": False, "message": "Invalid username or access key"})
    now = int(state.now())
    claims = {"username": body["username"], "role": "admin", "iat": now, "exp": now + ADMIN_TOKEN_SECONDS}
    return SandboxResponse.json(200, {"token": state.sign_jwt(claims, alg="HS256"), "status": True})


def qrvey_sandbox() -> SandboxProvider:
    """The Qrvey emulation contributed through ``anytoken_sandbox_providers``."""
    return SandboxProvider(
        name="qrvey",
        jwt_algorithms=("HS256",),
        base_path="/qrvey",
        routes=(
            Route("POST", "/devapi/v4/core/login/token", generate_widget_token, "generateWidgetSecurityToken"),
            Route("POST", "/admin/api/v5/login", admin_login, "adminCenterLogin"),
        ),
        credentials={"api_key": API_KEY, "admin_username": ADMIN_USERNAME, "admin_access_key": ADMIN_ACCESS_KEY},
        examples={
            "widget": {"userid": USER_ID, "appid": APP_ID, "clientid": "tenant-42", "expiresIn": "60m"},
            "admin": {},
        },
        not_found={},
        # an empty userid passes anytoken's type check but Qrvey rejects it (400)
        invalid={"widget": {"userid": "", "appid": APP_ID}},
    )
