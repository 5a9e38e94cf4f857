"""What a drift check finds: one :class:`Finding` per difference, collected by a :class:`Recorder`."""

from __future__ import annotations

import dataclasses
from typing import Any

BREAKING, ADDITIVE, COSMETIC = "breaking", "additive", "cosmetic"
SEVERITIES = (BREAKING, ADDITIVE, COSMETIC)
SEND, READ = "send", "read"
"""The direction data flows: what we *send* must be accepted upstream; what upstream returns we must *read*."""


@dataclasses.dataclass(frozen=True)
class Finding:
    """One difference between our operation (its operationId, else ``METHOD /path``) and upstream's.

    ``ours`` and ``upstream`` are dot-joined JSON paths (``paths./m2m_tokens.post.requestBody...``), ``None``
    on the side where the thing does not exist. ``kind`` is a short stable name (``property-removed``) that
    an accepted-drift entry can match on.
    """

    severity: str
    operation: str
    label: str  # METHOD /path of our operation
    kind: str
    message: str
    ours: str | None
    upstream: str | None
    accepted: str | None = None  # the reason, when an accepted-drift entry covers it

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def join(path: str | None, *parts: object) -> str | None:
    """``path`` extended by ``parts`` (``None`` stays ``None``)."""
    if path is None:
        return None
    return ".".join([path, *map(str, parts)]) if path else ".".join(map(str, parts))


class Recorder:
    """Collects findings for one operation; findings under an error response are at most cosmetic.

    The plugins map a 4xx/5xx to an anytoken error by its status (``anytoken.provider.expect``) and never
    read an error body's fields, so a change inside an error response cannot break them.
    """

    def __init__(self, operation: str, label: str) -> None:
        self.operation, self.label = operation, label
        self.findings: list[Finding] = []
        self.error_response = False

    def add(self, severity: str, kind: str, message: str, ours: str | None, upstream: str | None) -> None:
        if self.error_response and severity == BREAKING:
            severity, message = COSMETIC, f"{message} (in an error response, which the plugin maps by status only)"
        self.findings.append(Finding(severity, self.operation, self.label, kind, message, ours, upstream))
