"""Read a JWT's claims without verifying it (only to learn ``exp``/``iat``/``jti``)."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any


def looks_like_jwt(value: str) -> bool:
    return value.count(".") == 2 and value[:2] == "ey"


def claims(value: str) -> dict[str, Any] | None:
    """The payload of a compact JWS, or None when ``value`` is not one."""
    if not looks_like_jwt(value):
        return None
    payload = value.split(".")[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    return data if isinstance(data, dict) else None


def timestamp(data: dict[str, Any] | None, claim: str) -> datetime | None:
    if not data:
        return None
    value = data.get(claim)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
