"""The sandbox's control API under ``/_sandbox``: info, stats, reset, JWKS and fault injection over HTTP
(docs/sandbox.md), for clients that cannot call :class:`~anytoken.devkit.sandbox.Sandbox` methods in-process."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from anytoken.devkit.sandbox.faults import Fault
from anytoken.devkit.sandbox.model import SandboxResponse

if TYPE_CHECKING:
    from anytoken.devkit.sandbox._sandbox import Sandbox

__all__ = ["CONTROL_PREFIX", "control", "json_reply"]

CONTROL_PREFIX = "/_sandbox"
logger = logging.getLogger("anytoken.devkit.sandbox")


def json_reply(status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> SandboxResponse:
    return SandboxResponse.json(status, payload, headers)


def control(sandbox: Sandbox, method: str, path: str, body: bytes) -> SandboxResponse:
    """Answer a request under ``/_sandbox`` (``GET`` info, ``/stats``, ``POST /reset``, ``/jwks``, ``/faults``)."""
    sub = path[len(CONTROL_PREFIX) :].rstrip("/")
    try:
        if sub == "" and method == "GET":
            return json_reply(200, sandbox.info())
        if sub == "/stats" and method == "GET":
            return json_reply(200, sandbox.stats())
        if sub == "/reset" and method == "POST":
            sandbox._reset_now()
            return SandboxResponse.empty(204)
        if sub == "/jwks" and method == "GET":
            return json_reply(200, sandbox.jwks())
        if sub == "/faults":
            if method == "GET":
                return json_reply(200, {"faults": [f.to_json() for f in sandbox.faults.list()]})
            if method == "DELETE":
                sandbox.faults.clear()
                return SandboxResponse.empty(204)
            if method == "POST":
                return _inject(sandbox, body)
            return json_reply(405, {"error": "method_not_allowed", "allowed": ["DELETE", "GET", "POST"]})
        if sub.startswith("/faults/") and method == "DELETE":
            try:
                fid = int(sub.rsplit("/", 1)[1])
            except ValueError:
                return json_reply(404, {"error": "not_found", "message": "fault ids are integers"})
            if sandbox.faults.remove(fid):
                return SandboxResponse.empty(204)
            return json_reply(404, {"error": "not_found", "message": f"no fault {fid}"})
    except Exception as exc:  # pragma: no cover - defensive
        logger.exception("sandbox control endpoint failed")
        return json_reply(500, {"error": "control_failed", "message": type(exc).__name__})
    return json_reply(404, {"error": "not_found", "message": f"No sandbox control endpoint {method} {path}"})


def _inject(sandbox: Sandbox, body: bytes) -> SandboxResponse:
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return json_reply(400, {"error": "bad_json", "message": "the body must be a JSON object"})
    if not isinstance(data, dict):
        return json_reply(400, {"error": "bad_request", "message": "the body must be a JSON object"})
    unknown = sorted(set(data) - {"provider", "operation_id", "fault", "times"})
    if unknown:
        return json_reply(400, {"error": "bad_request", "message": f"unknown field(s): {', '.join(unknown)}"})
    times = data.get("times")
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times <= 0):
        return json_reply(400, {"error": "bad_request", "message": "'times' must be a positive integer or null"})
    try:
        fault = Fault.from_json(data.get("fault") or {})
        fid = sandbox.inject(str(data.get("provider", "*")), str(data.get("operation_id", "*")), fault, times)
    except (ValueError, KeyError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        return json_reply(400, {"error": "bad_fault", "message": str(message)})
    return json_reply(201, {"id": fid, "fault": fault.to_json(), "times": times})
