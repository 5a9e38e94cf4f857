"""Client authentication at the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2, OpenID Connect Core §9)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from urllib.parse import quote_plus

from anytoken.errors import InvalidParameterError, MissingCredentialError
from anytoken.tokens import RevokeRequest, TokenRequest

from ._keys import sign

__all__ = ["CLIENT_ASSERTION_TYPE", "authenticate", "choose_method"]

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_NEEDS = {
    "client_secret_basic": "client_secret",
    "client_secret_post": "client_secret",
    "client_secret_jwt": "client_secret",
    "private_key_jwt": "private_key",
}


def choose_method(request: TokenRequest | RevokeRequest, supported: Sequence[str] | None, *, ranked: bool = False) -> str:
    """The explicit ``token_endpoint_auth_method``, else the best the server supports for the credentials present.

    ``supported`` is the server's ``token_endpoint_auth_methods_supported`` (RFC 8414: absent means
    client_secret_basic), or None without discovery (then the credentials alone decide). ``ranked``: the
    list is in order of preference (a preset's), otherwise client_secret_basic comes first (RFC 6749 §2.3.1:
    every server must support it).
    """
    creds = request.credentials
    explicit = request.params.get("token_endpoint_auth_method") if isinstance(request, TokenRequest) else None
    if explicit is not None:
        method = str(explicit)
    else:
        grant_key = request.kind == "jwt_bearer"  # there the private key signs the grant, not the client
        if "private_key" in creds and not grant_key:
            wanted = ["private_key_jwt"]
        elif "client_secret" in creds:
            wanted = ["client_secret_basic", "client_secret_post", "client_secret_jwt"]
        else:
            wanted = ["none"]
        if supported is None:
            method = wanted[0]
        else:
            fits = [m for m in supported if m in wanted] if ranked else [m for m in wanted if m in supported]
            if not fits:
                have = ", ".join(sorted(n for n in creds if n in ("client_secret", "private_key"))) or "only client_id"
                raise InvalidParameterError(
                    [
                        (
                            "token_endpoint_auth_method",
                            f"the server supports {', '.join(supported) or 'no method'} but the credentials give {have}: "
                            "pass the credential that method needs or choose the method explicitly",
                        )
                    ],
                    provider=request.provider,
                    kind=request.kind,
                )
            method = fits[0]
    needed = _NEEDS.get(method)
    if needed is not None and needed not in creds:
        field = request.info.credential(needed)
        raise MissingCredentialError(needed, field.env, provider=request.provider, kind=request.kind)
    return method


def basic_header(client_id: str, client_secret: str) -> str:
    """RFC 6749 §2.3.1: each of id and secret application/x-www-form-urlencoded, joined by ':', then Base64."""
    pair = f"{quote_plus(client_id, safe='')}:{quote_plus(client_secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


def authenticate(request: TokenRequest | RevokeRequest, method: str, endpoint: str) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, form fields) that authenticate the client with ``method`` at ``endpoint``.

    JWT assertions get a fresh jti and iat on every call, so a retried request is never a replay.
    """
    if request.kind == "jwt_bearer" and method == "none":
        return {}, {}  # RFC 7523 §3.1: client authentication is optional with the JWT bearer grant
    client_id = request.credential("client_id")
    if method == "client_secret_basic":
        return {"Authorization": basic_header(client_id, request.credential("client_secret"))}, {}
    if method == "client_secret_post":
        return {}, {"client_id": client_id, "client_secret": request.credential("client_secret")}
    if method in ("client_secret_jwt", "private_key_jwt"):
        claims = {"iss": client_id, "sub": client_id, "aud": endpoint}
        secret = request.credential("client_secret") if method == "client_secret_jwt" else None
        assertion = sign(request, claims, hmac_secret=secret)
        return {}, {"client_id": client_id, "client_assertion_type": CLIENT_ASSERTION_TYPE, "client_assertion": assertion}
    return {}, {"client_id": client_id}
