"""The sandbox's Clerk revocation routes (``POST /m2m_tokens|actor_tokens|sign_in_tokens/{id}/revoke``).

Shapes follow the upstream spec: an M2M revocation answers ``M2MTokenInfo`` (the token record without the
secret) with ``revoked: true``; a revoked actor / sign-in token answers its record with ``status: "revoked"``.
Only opaque M2M tokens are stored revocable (a JWT one is stateless: Clerk answers 400). A revoked token is
refused by ``POST /m2m_tokens/verify`` here as at Clerk (404 once revoked).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anytoken.devkit.sandbox.model import SandboxRequest, SandboxResponse
from anytoken.devkit.sandbox.state import ProviderState

from ._sandbox_answers import _bad_value, _check_key, _keyed_body, _not_found, _unknown
from .sandbox import _m2m_response

__all__ = ["REVOKE_ROUTES"]


def revoke_m2m_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    data = _keyed_body(request, state, "machine_secret_key", 400, required=True)
    if isinstance(data, SandboxResponse):
        return data
    for name in data:
        if name != "revocation_reason":
            return _unknown(state, 400, name)
    reason = data.get("revocation_reason")
    if reason is not None and not isinstance(reason, str):
        return _bad_value(state, 400, "revocation_reason", "must be a string.")
    now_ms = state.now_ms()
    with state.lock:
        record = state.store["m2m_tokens"].get(request.path_params["m2m_token_id"])
        if record is None:
            return _not_found(state)
        if record["format"] != "opaque":
            return _bad_value(state, 400, "m2m_token_id", "is a JWT M2M token: only opaque tokens can be revoked.")
        record.update({"revoked": True, "revocation_reason": reason, "updated_at": now_ms})
        info = {k: v for k, v in _m2m_response(record, now_ms).items() if k != "token"}
    return SandboxResponse.json(200, info)


def verify_m2m_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    """``POST /m2m_tokens/verify`` ``{"token": ...}``: the record of a live opaque token, 404 otherwise."""
    data = _keyed_body(request, state, "machine_secret_key", 400, required=True)
    if isinstance(data, SandboxResponse):
        return data
    now_ms = state.now_ms()
    with state.lock:
        for record in state.store["m2m_tokens"].values():
            live = not record["revoked"] and (record["expiration"] is None or record["expiration"] > now_ms)
            if live and record["token"] == data.get("token"):
                return SandboxResponse.json(200, {k: v for k, v in _m2m_response(record, now_ms).items() if k != "token"})
    return _not_found(state)


def _revoke_ticket(store: str, param: str) -> Callable[[SandboxRequest, ProviderState], SandboxResponse]:
    def handler(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
        denied = _check_key(request, state, "secret_key")
        if denied is not None:
            return denied
        with state.lock:
            record: dict[str, Any] | None = state.store[store].get(request.path_params[param])
            if record is None:
                return _not_found(state)
            if record["status"] == "pending":
                record.update({"status": "revoked", "updated_at": state.now_ms()})
            out = dict(record)
        return SandboxResponse.json(200, out)

    return handler


REVOKE_ROUTES: tuple[tuple[str, str, Callable[[SandboxRequest, ProviderState], SandboxResponse], str, bool], ...] = (
    ("POST", "/m2m_tokens/{m2m_token_id}/revoke", revoke_m2m_token, "revokeM2MToken", False),
    ("POST", "/m2m_tokens/verify", verify_m2m_token, "verifyM2MToken", False),
    ("POST", "/actor_tokens/{actor_token_id}/revoke", _revoke_ticket("actor_tokens", "actor_token_id"), "RevokeActorToken", False),
    ("POST", "/sign_in_tokens/{sign_in_token_id}/revoke", _revoke_ticket("sign_in_tokens", "sign_in_token_id"), "RevokeSignInToken", False),
)
