"""Real, signed JWTs for the sandbox: HS256/HS512 with the stdlib, RS256 with ``cryptography`` (a dependency of
the plugins whose emulations sign RS256, e.g. anytoken-clerk; checked when the sandbox is built).

One :class:`JWTSigner` per sandbox holds a random HMAC key (or one derived from the sandbox seed) and, on
first RS256 use, an RSA key. Tests verify what the sandbox minted with :meth:`JWTSigner.verify`, or
publish :meth:`JWTSigner.jwks` to a verifier.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["ALGORITHMS", "JWTSigner", "JWTVerificationError"]

ALGORITHMS = ("HS256", "HS512", "RS256")
_HMAC: dict[str, Callable[[], Any]] = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}
RSA_KID = "anytoken-sandbox-rsa"


class JWTVerificationError(ValueError):
    """The token is malformed, signed with another key, or uses an unexpected algorithm."""


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(data: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError) as exc:
        raise JWTVerificationError(f"bad base64url segment: {exc}") from None


def _have_cryptography() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("cryptography.hazmat.primitives.asymmetric.rsa") is not None
    except ImportError:  # the parent package is absent
        return False


def _int_b64(value: int) -> str:
    return _b64e(value.to_bytes((value.bit_length() + 7) // 8, "big"))


class JWTSigner:
    """Signs and verifies compact JWS tokens with the sandbox's keys."""

    def __init__(self, hmac_key: bytes | None = None) -> None:
        self.hmac_key = hmac_key if hmac_key is not None else secrets.token_bytes(32)
        self._rsa: Any = None
        self._rsa_lock = threading.Lock()

    def require(self, alg: str, provider: str) -> None:
        """Fail now, with one clear line, when ``provider``'s emulation signs with ``alg`` and this
        environment cannot (RS256 without ``cryptography``)."""
        from anytoken.errors import UsageError

        if alg not in ALGORITHMS:
            raise UsageError(f"the {provider} sandbox emulation signs {alg!r}; the sandbox signs {', '.join(ALGORITHMS)}")
        if alg == "RS256" and not _have_cryptography():
            raise UsageError(
                f"the {provider} sandbox emulation signs RS256 JWTs, which needs the 'cryptography' package: "
                f"pip install 'anytoken[devkit]' (the {provider} plugin should have installed it: reinstall the plugin)"
            )

    def _rsa_key(self) -> Any:
        with self._rsa_lock:
            if self._rsa is None:
                if not _have_cryptography():
                    from anytoken.devkit._extras import missing

                    raise missing("cryptography", "RS256 signing in the sandbox")
                from cryptography.hazmat.primitives.asymmetric import rsa

                self._rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._rsa

    def sign(self, claims: dict[str, Any], *, alg: str = "HS256", kid: str | None = None) -> str:
        if alg not in ALGORITHMS:
            raise ValueError(f"unsupported JWT algorithm {alg!r}; use one of {', '.join(ALGORITHMS)}")
        header: dict[str, Any] = {"alg": alg, "typ": "JWT"}
        if alg == "RS256":
            kid = kid or RSA_KID
        if kid is not None:
            header["kid"] = kid
        signing_input = (
            _b64e(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + _b64e(json.dumps(claims, separators=(",", ":"), default=str).encode())
        ).encode("ascii")
        return signing_input.decode("ascii") + "." + _b64e(self._signature(alg, signing_input))

    def _signature(self, alg: str, signing_input: bytes) -> bytes:
        if alg in _HMAC:
            return hmac.new(self.hmac_key, signing_input, _HMAC[alg]).digest()
        key = self._rsa_key()  # raises the clear "needs cryptography" error first
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        sig: bytes = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return sig

    def verify(self, token: str, *, algorithms: Iterable[str] = ALGORITHMS) -> dict[str, Any]:
        """The claims of ``token`` after checking its signature (not its ``exp``); raises
        :class:`JWTVerificationError` otherwise."""
        parts = token.split(".")
        if len(parts) != 3:
            raise JWTVerificationError("not a compact JWS (expected three dot-separated parts)")
        try:
            header = json.loads(_b64d(parts[0]))
            claims = json.loads(_b64d(parts[1]))
        except ValueError as exc:
            raise JWTVerificationError(f"bad JSON in token: {exc}") from None
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise JWTVerificationError("token header and payload must be JSON objects")
        alg = header.get("alg")
        if alg not in set(algorithms) or alg not in ALGORITHMS:
            raise JWTVerificationError(f"unexpected algorithm {alg!r}")
        signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
        signature = _b64d(parts[2])
        if alg in _HMAC:
            expected = hmac.new(self.hmac_key, signing_input, _HMAC[alg]).digest()
            if not hmac.compare_digest(expected, signature):
                raise JWTVerificationError("signature mismatch")
            return claims
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        try:
            self._rsa_key().public_key().verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise JWTVerificationError("signature mismatch") from None
        return claims

    def jwks(self) -> dict[str, Any]:
        """The public JWK set of the RS256 key (``{"keys": [...]}``)."""
        numbers = self._rsa_key().public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": RSA_KID,
                    "n": _int_b64(numbers.n),
                    "e": _int_b64(numbers.e),
                }
            ]
        }
