"""Audit events: one per mint attempt, success or failure, never holding a secret.

Third parties implement the ``anytoken_audit(event)`` hook (e.g. to ship events to a SIEM). The built-in
:class:`JsonLinesAuditor` writes each event as one JSON line to the ``anytoken.audit`` logger; enable it
with ``Client(audit_log=True)`` or ``ANYTOKEN_AUDIT_LOG=1``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

if TYPE_CHECKING:
    from .errors import AnytokenError
    from .tokens import Token, TokenRequest

__all__ = ["AuditEvent", "JsonLinesAuditor", "deliver", "mint_event"]

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


def mint_event(request: TokenRequest, started: float, attempts: int, token: Token | None, error: AnytokenError | None) -> AuditEvent:
    """The event of one mint call: ``started`` is its ``time.monotonic()``; credentials only as fingerprints."""
    from ._secrets import fingerprint

    return AuditEvent(
        time=datetime.now(UTC),
        provider=request.provider,
        kind=request.kind,
        outcome="success" if error is None else type(error).__name__,
        attempts=attempts,
        duration_s=round(time.monotonic() - started, 6),
        credential_fingerprints={k: fingerprint(v.get()) for k, v in request.credentials.items()},
        token_id=token.id if token else None,
        expires_at=token.expires_at if token else None,
        status=error.status if error else None,
        request_id=error.request_id if error else None,
        error=str(error) if error else None,
    )


def deliver(event: AuditEvent, auditors: Iterable[Callable[..., object]]) -> None:
    """Hand ``event`` to every auditor; one that fails is logged and skipped: an auditor never breaks minting."""
    for fn in auditors:
        try:
            fn(event=event)
        except Exception:
            logging.getLogger("anytoken").warning("an audit hook failed: %s", getattr(fn, "__qualname__", fn))
