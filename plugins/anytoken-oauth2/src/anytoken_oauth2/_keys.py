"""Private keys (PEM text or a PEM file) and JWT client assertions, signed with PyJWT on cryptography."""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from anytoken.errors import InvalidParameterError
from anytoken.tokens import RevokeRequest, TokenRequest

__all__ = ["algorithm_for", "load_private_key", "sign"]

_KEYS: dict[str, Any] = {}
_LOCK = threading.Lock()
#: lifetime of a client assertion / JWT bearer assertion: short (RFC 7523 §3 wants a limited window)
ASSERTION_LIFETIME = 60


def _bad(request: TokenRequest | RevokeRequest, why: str) -> InvalidParameterError:
    return InvalidParameterError([("credentials.private_key", why)], provider=request.provider, kind=request.kind)


def load_private_key(request: TokenRequest | RevokeRequest, pem: str | None = None) -> Any:
    """The key object for ``pem`` or the private_key credential (PEM text or a PEM file path); cached per value."""
    value = pem if pem is not None else request.credential("private_key")
    digest = hashlib.sha256(value.encode()).hexdigest()
    with _LOCK:
        cached = _KEYS.get(digest)
    if cached is not None:
        return cached
    if "-----BEGIN" in value:
        data = value.encode()
    else:
        try:
            data = Path(value).expanduser().read_bytes()
        except (OSError, ValueError):
            raise _bad(request, "is neither PEM text (-----BEGIN ... PRIVATE KEY-----) nor a readable PEM file path") from None
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise _bad(request, "is not an unencrypted PEM private key (RSA or EC); export it without a passphrase") from None
    with _LOCK:
        if len(_KEYS) > 64:
            _KEYS.clear()
        _KEYS[digest] = key
    return key


def algorithm_for(request: TokenRequest | RevokeRequest, key: Any) -> str:
    """RS256 for RSA keys, ES256/384/512 for EC keys on P-256/384/521."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        alg = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}.get(key.curve.name)
        if alg:
            return alg
    raise _bad(request, "must be an RSA or an EC (P-256, P-384, P-521) private key")


def sign(
    request: TokenRequest | RevokeRequest,
    claims: dict[str, Any],
    *,
    hmac_secret: str | None = None,
    pem: str | None = None,
    key_id: str | None = None,
) -> str:
    """A JWT with ``claims`` plus iat, exp (+60 s) and a fresh jti, signed with the private key (RS/ES; ``pem``
    or the private_key credential) or ``hmac_secret`` (HS256); ``kid`` from ``key_id`` or the key_id credential."""
    import jwt

    now = int(time.time())
    payload = {**claims, "iat": now, "exp": now + ASSERTION_LIFETIME, "jti": uuid.uuid4().hex}
    headers: dict[str, Any] = {}
    kid = key_id if key_id is not None else request.credential("key_id") if "key_id" in request.credentials else None
    if kid:
        headers["kid"] = kid
    if hmac_secret is not None:
        if len(hmac_secret.encode()) < 32:  # RFC 7518 §3.2: an HS256 key has at least 256 bits
            raise InvalidParameterError(
                [
                    (
                        "credentials.client_secret",
                        "is shorter than 32 bytes, too short for an HS256 assertion (RFC 7518 §3.2): use client_secret_basic or client_secret_post",
                    )
                ],
                provider=request.provider,
                kind=request.kind,
            )
        return jwt.encode(payload, hmac_secret, algorithm="HS256", headers=headers or None)
    key = load_private_key(request, pem)
    return jwt.encode(payload, key, algorithm=algorithm_for(request, key), headers=headers or None)
