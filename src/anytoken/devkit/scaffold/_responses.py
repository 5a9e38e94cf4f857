"""What a spec's responses say: the success statuses, where the token and its expiry are, what the
token looks like, and the error bodies the sandbox answers with."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from anytoken.devkit.openapi import Operation, deref
from anytoken.devkit.scaffold._errors import ScaffoldError
from anytoken.devkit.scaffold._schema import iter_fields, sample, schema_type

TOKEN_NAMES = (
    "access_token",
    "accessToken",
    "token",
    "jwt",
    "id_token",
    "idToken",
    "session_token",
    "sessionToken",
    "api_token",
    "apiToken",
    "client_token",
    "token_value",
    "secret",
    "key",
    "value",
)
EXPIRY_NAMES = (
    "expires_in",
    "expiresIn",
    "expires_at",
    "expiresAt",
    "expiration",
    "expiration_time",
    "expirationTime",
    "expires",
    "expiry",
    "expire_at",
    "expireAt",
    "exp",
    "ttl",
    "expiry_time",
    "expire_time",
    "expires_on",
    "lease_duration",
)
_JSON_TYPES = ("application/json",)


def success_response(doc: dict[str, Any], op: Operation, token_flag: str | None) -> tuple[int, list[int], str, Any]:
    """(the status the sandbox answers, the statuses that are success, content type, schema)."""
    responses = op.node.get("responses", {})
    codes = sorted(str(c) for c in responses if re.fullmatch(r"2\d\d", str(c)))
    ranged = [str(c) for c in responses if str(c).upper() == "2XX"]
    if not codes and not ranged:
        raise ScaffoldError(f"{op.operation_id} documents no 2xx (or 2XX) response; the token must come from one")
    key = codes[0] if codes else ranged[0]
    status = int(codes[0]) if codes else 200
    ok = sorted({int(c) for c in codes} | (set(range(200, 300)) if ranged else set()))
    response = deref(doc, responses.get(key))
    content = response.get("content", {}) if isinstance(response, dict) else {}
    json_media = next((m for m in content if m in _JSON_TYPES or m.endswith("+json")), None)
    if token_flag == "text" or (json_media is None and any(m.startswith("text/") for m in content)):
        return status, ok, "text", None
    if json_media is None:
        raise ScaffoldError(
            f"{op.operation_id}: its {key} response has no JSON or text body to read the token from (pass --token-field text for a text body)"
        )
    return status, ok, json_media, content[json_media].get("schema", {})


def find_field(doc: Any, schema: Any, names: Sequence[str], near: str = "") -> tuple[str, dict[str, Any]] | None:
    fields = list(iter_fields(doc, schema))
    parent = near.rpartition(".")[0]
    for name in names:
        for path, s in fields:
            if path.rpartition(".")[0] == parent and path.rpartition(".")[2] == name:
                return path, s
    for name in names:
        for path, s in fields:
            if path.rpartition(".")[2] == name:
                return path, s
    return None


def expiry_style(path: str, s: dict[str, Any]) -> str:
    leaf = path.rpartition(".")[2].lower()
    if leaf in ("expires_in", "expiresin", "ttl") or leaf.endswith(("_in", "duration", "_seconds", "lifetime")):
        return "in"
    if schema_type(s) == "string":
        return "date" if s.get("format") == "date" else "iso"
    return "epoch"


#: names a parameter cannot take: ``create_token``'s own keywords and the ``anytoken create`` options
def token_format(s: dict[str, Any], flag: str | None) -> str:
    """``jwt`` or ``opaque:<prefix>``: what the provider's token looks like, from the flag or the schema."""
    if flag:
        return flag
    example = s.get("example")
    about = f"{s.get('description', '')} {s.get('title', '')}"
    if (isinstance(example, str) and example.count(".") == 2) or re.search(r"\bJWT\b|JSON Web Token", about):
        return "jwt"
    hint = example if isinstance(example, str) else str(s.get("pattern", "")).lstrip("^")
    prefix = re.match(r"[A-Za-z]{1,8}_(?:[a-z]{1,8}_)?", hint or "")
    if prefix or isinstance(example, str):
        return f"opaque:{prefix.group(0) if prefix else ''}"
    return "jwt"


def _mark_message(body: Any) -> bool:
    """Put the ``{message}`` placeholder into every message-like string field of an error sample."""
    found = False
    if isinstance(body, dict):
        for key, value in body.items():
            if key in ("message", "error", "detail", "title", "description", "error_description") and isinstance(value, str):
                body[key] = "{message}"
                found = True
            elif isinstance(value, dict | list):
                found = _mark_message(value) or found
    elif isinstance(body, list):
        for item in body:
            found = _mark_message(item) or found
    return found


def error_samples(doc: dict[str, Any], op: Operation) -> dict[int, Any]:
    responses = op.node.get("responses", {})
    errors: dict[int, Any] = {}
    for code in (400, 401, 404, 422):
        response = deref(doc, responses.get(str(code), responses.get("4XX", responses.get("4xx", responses.get("default")))))
        content = response.get("content", {}) if isinstance(response, dict) else {}
        media_type = next((m for m in content if m in _JSON_TYPES or m.endswith("+json")), None)
        if media_type is not None:
            body_sample = sample(doc, content[media_type].get("schema", {}))
            if isinstance(body_sample, dict):
                if not _mark_message(body_sample):
                    body_sample["message"] = "{message}"
                errors[code] = body_sample
    return errors
