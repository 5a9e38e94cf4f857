"""The token endpoint's answer: a Token from RFC 6749 §5.1, or the error tree from §5.2."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from anytoken.errors import AuthenticationError, MalformedResponseError, ProviderError, ProviderRejectedError, scrub
from anytoken.provider import error_for_response, last_response
from anytoken.tokens import RevokeRequest, Token, TokenRequest

__all__ = ["masked_model", "token_error", "token_from"]

_SECRET_FIELDS = ("access_token", "refresh_token", "id_token")
_ADVICE = {
    "invalid_scope": "check the scope values this client may request",
    "invalid_grant": "the grant (assertion, refresh token or subject token) is invalid, expired or revoked",
    "invalid_request": "a parameter is missing, repeated or malformed",
    "unauthorized_client": "this client is not allowed to use this grant type: enable it for the client at the server",
    "unsupported_grant_type": "the server does not support this grant type",
    "invalid_target": "check resource / audience: the server does not know that target",
}


def _body(content: bytes) -> dict[str, Any] | None:
    try:
        doc = json.loads(content[:65536]) if content else None
    except (ValueError, UnicodeDecodeError):
        return None
    return doc if isinstance(doc, dict) else None


def _clean(text: Any, request: TokenRequest | RevokeRequest, limit: int) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    printable = "".join(c if c.isprintable() else " " for c in text[:limit])
    return scrub(printable, request.secrets()).strip().rstrip(".") or None


def token_error(request: TokenRequest | RevokeRequest, response: Any, method: str) -> ProviderError:
    """RFC 6749 §5.2: invalid_client / 401 -> AuthenticationError; the other codes -> ProviderRejectedError
    carrying ``error`` and ``error_description``; 429 / 5xx / anything else through the common mapping."""
    status = int(response.status_code)
    body = _body(response.content)
    code = _clean(body.get("error"), request, 60) if body else None
    description = _clean(body.get("error_description"), request, 300) if body else None
    common = error_for_response(cast(TokenRequest, request), status, dict(response.headers), response.content)
    where: dict[str, Any] = {"provider": request.provider, "kind": request.kind, "status": status, "request_id": common.request_id}
    said = f" ({code}: {description})" if code and description else f" ({code})" if code else ""
    if code == "invalid_client" or status == 401:
        fields = "client_id and " + (
            "private_key" if method == "private_key_jwt" else "client_secret" if method != "none" else "the client"
        )
        return AuthenticationError(
            f"the authorization server rejected the client{said}. Check {fields} (token_endpoint_auth_method {method})", **where
        )
    if code is not None and 400 <= status < 500 and status != 429:
        advice = _ADVICE.get(code, "the server refused the request")
        return ProviderRejectedError(
            f"the authorization server refused the request{said}: {advice}", error=code, error_description=description, **where
        )
    return common


def _expires_at(value: Any) -> datetime | None:
    """``expires_in`` seconds (an integer, or a numeric string as some servers send) from now."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    if not 0 < seconds < 10 * 365 * 86400:
        return None
    return datetime.now(UTC) + timedelta(seconds=seconds)


def masked_model(model: Any) -> Any:
    """A copy of a generated response model with every token in it masked (``token.raw`` is safe to print)."""
    from anytoken._secrets import mask

    doc = model.to_dict()
    for name, value in list(doc.items()):
        secretish = name in _SECRET_FIELDS or "token" in name.lower() or "secret" in name.lower()
        if isinstance(value, str) and secretish and name not in ("token_type", "issued_token_type"):
            doc[name] = mask(value)
    return type(model).from_dict(doc)


def token_from(request: TokenRequest, response: Any, scopes: list[str] | None, info: dict[str, Any]) -> Token:
    from anytoken_oauth2_client.api.token import request_token
    from anytoken_oauth2_client.client import Client
    from anytoken_oauth2_client.models import TokenResponse

    failure: MalformedResponseError | None = None
    parsed: Any = None
    try:
        parsed = request_token._build_response(client=Client(base_url=info["token_endpoint"]), response=response).parsed
    except (ValueError, KeyError, TypeError, AttributeError):
        failure = MalformedResponseError(
            "the token endpoint's answer is not an RFC 6749 §5.1 token response (JSON with access_token and token_type)",
            provider=request.provider,
            kind=request.kind,
            status=200,
        )
    last_response.set(None)  # the raw response holds the token
    if failure is not None:
        raise failure  # outside the except block: the parser's exception text may hold the token
    if not isinstance(parsed, TokenResponse) or not isinstance(parsed.access_token, str) or not parsed.access_token.strip():
        raise MalformedResponseError(
            "the token endpoint's answer lacks access_token", provider=request.provider, kind=request.kind, status=200
        )
    granted = parsed.scope.split() if isinstance(parsed.scope, str) else scopes  # §5.1: omitted = as requested
    metadata: dict[str, Any] = {"token_type": parsed.token_type, "scope": list(granted) if granted is not None else None, **info}
    if isinstance(parsed.issued_token_type, str):
        metadata["issued_token_type"] = parsed.issued_token_type
    secrets = {name: getattr(parsed, name) for name in ("refresh_token", "id_token") if isinstance(getattr(parsed, name), str)}
    from anytoken import _jwt

    expires_at = _expires_at(parsed.expires_in)
    jwt_exp = _jwt.timestamp(_jwt.claims(parsed.access_token), "exp")
    if expires_at is not None and jwt_exp is not None and jwt_exp < expires_at:
        expires_at = jwt_exp  # the earlier of the two: expires_in counts from our clock, after the network
    return Token.from_value(
        request.provider,
        request.kind,
        parsed.access_token,
        expires_at=expires_at,
        metadata=metadata,
        raw=masked_model(parsed),
        secrets=secrets,
    )
