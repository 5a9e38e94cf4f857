"""Read a JWT's claims without verifying it (only to learn ``exp``/``iat``/``jti``)."""

from __future__ import annotations

import binascii
import json
from datetime import UTC, datetime
from typing import Any

#: base64url -> base64 (what ``base64.urlsafe_b64decode`` translates), on bytes: one C call
_URLSAFE = bytes.maketrans(b"-_", b"+/")
_PAD = ("", "===", "==", "=")


def looks_like_jwt(value: str) -> bool:
    return value.count(".") == 2 and value[:2] == "ey"


def claims(value: str) -> dict[str, Any] | None:
    """The payload of a compact JWS, or None when ``value`` is not one.

    The same result as ``json.loads(base64.urlsafe_b64decode(payload + padding))``, without its layers:
    non-ASCII text and undecodable payloads give None either way (``ValueError``), and a payload that is
    not plainly UTF-8 JSON (a BOM, UTF-16/32) goes through ``json.loads``'s own encoding detection.
    """
    if value[:2] != "ey" or value.count(".") != 2:
        return None
    start = value.index(".") + 1
    payload = value[start : value.index(".", start)]
    try:
        raw = binascii.a2b_base64((payload + _PAD[len(payload) % 4]).encode("ascii").translate(_URLSAFE), strict_mode=False)
        utf8 = raw[:1] == b"{" and raw[1:2] != b"\x00"  # what json.detect_encoding calls utf-8
        data = json.loads(raw.decode("utf-8", "surrogatepass") if utf8 else raw)
    except (binascii.Error, ValueError):
        return None
    return data if isinstance(data, dict) else None


def timestamp(data: dict[str, Any] | None, claim: str) -> datetime | None:
    if not data:
        return None
    value = data.get(claim)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
