"""Clerk's answers in the sandbox: its error shape, the bearer-key check, body reading and Clerk-style ids
(shared by the token routes in ``sandbox.py`` and the revocation routes in ``_sandbox_revoke.py``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from anytoken.devkit.sandbox.model import BadJSONError, SandboxRequest, SandboxResponse
from anytoken.devkit.sandbox.state import ProviderState

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


# -- Clerk's error shape ------------------------------------------------------------------------------------


def _error(
    state: ProviderState, status: int, message: str, long_message: str, code: str, meta: Mapping[str, Any] | None = None
) -> SandboxResponse:
    err: dict[str, Any] = {"message": message, "long_message": long_message, "code": code}
    if meta:
        err["meta"] = dict(meta)
    return SandboxResponse.json(status, {"errors": [err], "clerk_trace_id": state.new_id("", 32)})


def _unknown(state: ProviderState, status: int, name: str) -> SandboxResponse:
    return _error(
        state, status, "is unknown", f"{name} is not a valid parameter for this request.", "form_param_unknown", {"param_name": name}
    )


def _missing(state: ProviderState, status: int, name: str) -> SandboxResponse:
    return _error(state, status, "is missing", f"{name} must be included.", "form_param_missing", {"param_name": name})


def _bad_value(state: ProviderState, status: int, name: str, why: str) -> SandboxResponse:
    return _error(state, status, "is invalid", f"{name} {why}", "form_param_value_invalid", {"param_name": name})


def _not_found(state: ProviderState) -> SandboxResponse:
    return _error(state, 404, "not found", "Resource not found", "resource_not_found")


def _check_key(request: SandboxRequest, state: ProviderState, field: str) -> SandboxResponse | None:
    """None when the bearer key is the sandbox's valid ``field`` key; Clerk's 401 otherwise."""
    key = request.bearer()
    if state.authorized(key, field):
        return None
    if key is None:
        return _error(
            state,
            401,
            "Invalid authentication",
            "Unable to authenticate the request, you need to supply an active API key",
            "authentication_invalid",
        )
    if field == "machine_secret_key":
        return _error(
            state,
            401,
            "Invalid machine secret key",
            "The provided machine secret key is invalid. M2M tokens must be created with a machine secret key (ak_...).",
            "authentication_invalid",
        )
    text = "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct."
    return _error(state, 401, text, text, "clerk_key_invalid")


def _body(request: SandboxRequest, state: ProviderState, status: int, *, required: bool) -> dict[str, Any] | SandboxResponse:
    """The JSON object body (``{}`` when absent and optional) or Clerk's error."""
    if not request.body.strip():
        return _error(state, status, "Request body is missing", "The request body is missing.", "request_body_missing") if required else {}
    try:
        data = request.json()
    except BadJSONError:
        return _error(state, status, "Malformed request", "The request body is not valid JSON.", "malformed_request")
    if not isinstance(data, dict):
        return _error(state, status, "Malformed request", "The request body must be a JSON object.", "malformed_request")
    return data


def _keyed_body(
    request: SandboxRequest, state: ProviderState, field: str, status: int, *, required: bool
) -> dict[str, Any] | SandboxResponse:
    """The JSON object body of a request made with the sandbox's ``field`` key, or Clerk's error (the key is
    checked first: a 401 before any 400/422)."""
    denied = _check_key(request, state, field)
    if denied is not None:
        return denied
    return _body(request, state, status, required=required)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _clerk_id(state: ProviderState, prefix: str) -> str:
    """``prefix`` + 27 base62 characters (deterministic with a sandbox seed)."""
    n = int(state.new_id("", 40), 16)
    chars = []
    for _ in range(27):
        n, r = divmod(n, 62)
        chars.append(_BASE62[r])
    return prefix + "2" + "".join(chars[1:])
