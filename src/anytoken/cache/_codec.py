"""Tokens as bytes at rest: JSON (``raw`` dropped), optionally encrypted with Fernet.

The cache key is stored inside the (encrypted) document and checked on read, so an entry copied to
another key is a miss. Anything that does not decode — corrupt bytes, a wrong key, an old format — is a
miss too (None), never an error.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..tokens import Token
from ._policy import CachedToken

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet

__all__ = ["EncryptionKey", "decode", "encode", "make_fernet"]

_FORMAT = 1
EncryptionKey = str | bytes | Sequence[str | bytes]


def make_fernet(key: EncryptionKey | None) -> MultiFernet | None:
    """A MultiFernet over one key or several (the first encrypts, all decrypt: key rotation)."""
    if key is None:
        return None
    try:
        from cryptography.fernet import Fernet, MultiFernet
    except ImportError:  # pragma: no cover - the redis extra brings it
        raise UsageError('encryption_key needs the cryptography package: pip install "anytoken[redis]"') from None
    keys = [key] if isinstance(key, str | bytes) else list(key)
    if not keys:
        raise UsageError("encryption_key is empty: pass a Fernet key (Fernet.generate_key())")
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except (ValueError, TypeError):
        # the message never includes the key
        raise UsageError("encryption_key is not a valid Fernet key: make one with cryptography.fernet.Fernet.generate_key()") from None


def token_to_dict(token: Token) -> dict[str, Any]:
    return {
        "provider": token.provider,
        "kind": token.kind,
        "value": token.value,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "issued_at": token.issued_at.isoformat(),
        "id": token.id,
        "metadata": dict(token.metadata),
        **({"secrets": {k: v.get() for k, v in token.secrets.items()}} if token.secrets else {}),
    }


def token_from_dict(doc: dict[str, Any]) -> Token:
    expires = doc["expires_at"]
    return Token(
        provider=_str(doc["provider"]),
        kind=_str(doc["kind"]),
        secret=_str(doc["value"]),
        expires_at=datetime.fromisoformat(expires) if expires is not None else None,
        issued_at=datetime.fromisoformat(_str(doc["issued_at"])),
        id=doc["id"] if isinstance(doc.get("id"), str) else None,
        metadata=dict(doc.get("metadata") or {}),
        secrets={_str(k): _str(v) for k, v in (doc.get("secrets") or {}).items()},
    )


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def encode(key: str, entry: CachedToken, fernet: MultiFernet | None) -> bytes | None:
    """Bytes to store; None when the token cannot be serialised (metadata that is not JSON)."""
    doc = {
        "f": _FORMAT,
        "key": key,
        "fresh_until": entry.fresh_until,
        "usable_until": entry.usable_until,
        "token": token_to_dict(entry.token),
    }
    try:
        data = json.dumps(doc, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        return None
    return fernet.encrypt(data) if fernet is not None else data


def decode(key: str, data: bytes | str | None, fernet: MultiFernet | None) -> CachedToken | None:
    """The entry, or None for a miss (absent, corrupt, undecryptable, stored under another key)."""
    if data is None:
        return None
    try:
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if fernet is not None:
            raw = fernet.decrypt(raw)
        doc = json.loads(raw)
        if not isinstance(doc, dict) or doc.get("f") != _FORMAT or doc.get("key") != key:
            return None
        return CachedToken(token_from_dict(doc["token"]), float(doc["fresh_until"]), float(doc["usable_until"]))
    except Exception:  # corrupt or undecryptable (InvalidToken, ValueError, KeyError, TypeError ...): a miss
        return None
