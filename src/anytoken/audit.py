"""Audit events: one per mint attempt, success or failure, never holding a secret.

Third parties implement the ``anytoken_audit(event)`` hook (e.g. to ship events to a SIEM). The built-in
:class:`JsonLinesAuditor` writes each event as one JSON line to the ``anytoken.audit`` logger; enable it
with ``Client(audit_log=True)`` or ``ANYTOKEN_AUDIT_LOG=1``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import pluggy

__all__ = ["AuditEvent", "JsonLinesAuditor"]

_log = logging.getLogger("anytoken.audit")


@attrs.frozen
class AuditEvent:
    """One mint attempt. ``credential_fingerprints`` are sha256 prefixes, never the credentials."""

    time: datetime
    provider: str
    kind: str
    outcome: str  # "success" or the error class name
    attempts: int
    duration_s: float
    credential_fingerprints: Mapping[str, str]
    token_id: str | None = None
    expires_at: datetime | None = None
    status: int | None = None
    request_id: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        out["time"] = self.time.isoformat()
        out["expires_at"] = self.expires_at.isoformat() if self.expires_at else None
        out["credential_fingerprints"] = dict(self.credential_fingerprints)
        return out


#: the marker of ``hookspecs.hookimpl`` (same project name), built here so that audit needs nothing of hookspecs
_hookimpl = pluggy.HookimplMarker("anytoken")


class JsonLinesAuditor:
    """Writes every audit event as a JSON line to the ``anytoken.audit`` logger at INFO."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or _log

    @_hookimpl
    def anytoken_audit(self, event: AuditEvent) -> None:
        self.logger.info(json.dumps(event.to_dict(), sort_keys=True))
