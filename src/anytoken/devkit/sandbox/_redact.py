"""Masking for sandbox request logs: secrets never reach a log line."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["MASK", "mask_body", "mask_headers", "mask_json", "mask_target"]

MASK = "***"
_SECRET_HEADERS = frozenset({"authorization", "x-api-key", "proxy-authorization", "cookie", "set-cookie", "idempotency-key"})
_SECRET_KEY = re.compile(r"key|secret|token|password|passwd|jwt|credential|auth", re.IGNORECASE)


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (MASK if k.lower() in _SECRET_HEADERS or _SECRET_KEY.search(k) else v) for k, v in headers.items()}


def mask_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (MASK if _SECRET_KEY.search(str(k)) else mask_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(v) for v in value]
    return value


def mask_body(body: bytes, limit: int = 2048) -> str:
    """A loggable rendering of a request body: masked JSON, or just its size when it is not JSON."""
    if not body:
        return ""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return f"<{len(body)} bytes>"
    text = json.dumps(mask_json(data), separators=(",", ":"))
    return text if len(text) <= limit else text[:limit] + "…"


def mask_target(target: str) -> str:
    path, sep, query = target.partition("?")
    if not sep:
        return path
    pairs = [(k, MASK if _SECRET_KEY.search(k) else v) for k, v in parse_qsl(query, keep_blank_values=True)]
    return path + "?" + urlencode(pairs, safe="*")
