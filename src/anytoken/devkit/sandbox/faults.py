"""Fault injection: make a sandbox route misbehave the way real networks and providers do.

A :class:`Fault` describes one misbehaviour; ``Sandbox.inject(provider, operation_id, fault, times=None)``
arms it for a route (``"*"`` matches any provider or operation). ``run_handler`` says whether the real
handler runs first (the resource IS created and counted, then the answer is damaged) or not.

========================  ===========  ==============================================================
kind                      run_handler  what the client sees
========================  ===========  ==============================================================
``latency``               always       ``delay`` seconds of silence, then the normal answer
``status``                False        ``status`` with ``body``, optional ``Retry-After``/``retry-after-ms``
``reset``                 False        TCP RST before any byte of the answer
``reset_mid_body``        True         status line, headers and ``sent_bytes`` of the body, then RST
``truncated``             True         full ``Content-Length`` declared, ``sent_bytes`` sent, then close
``malformed_json``        True         JSON content type, a cut JSON document
``non_json``              True         JSON content type, an HTML error page
``wrong_content_type``    True         the normal body labelled ``content_type`` (``text/html``)
``missing_token``         True         the normal JSON minus its token fields (``transform``)
``huge_body``             False        ``size`` bytes streamed (Content-Length or chunked)
``drip``                  True         the normal answer, ``chunk_size`` bytes every ``interval`` s
========================  ===========  ==============================================================

Every fault also takes ``delay`` (seconds to wait before acting). Faults are JSON-describable
(:meth:`Fault.to_json` / :meth:`Fault.from_json`, used by ``POST /_sandbox/faults``) except for a custom
``transform``; over JSON, ``drop_keys`` names the keys ``missing_token`` removes.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

import attrs

__all__ = ["FAULT_KINDS", "Fault", "FaultTable", "InjectedFault", "drop_token_fields"]

FAULT_KINDS = (
    "latency",
    "status",
    "reset",
    "reset_mid_body",
    "truncated",
    "malformed_json",
    "non_json",
    "wrong_content_type",
    "missing_token",
    "huge_body",
    "drip",
)
_RUN_HANDLER_DEFAULT = {
    "latency": True,
    "status": False,
    "reset": False,
    "reset_mid_body": True,
    "truncated": True,
    "malformed_json": True,
    "non_json": True,
    "wrong_content_type": True,
    "missing_token": True,
    "huge_body": False,
    "drip": True,
}
_TOKEN_KEY = re.compile(r"token|jwt|secret", re.IGNORECASE)


def drop_token_fields(value: Any, keys: tuple[str, ...] | None = None) -> Any:
    """``value`` without the keys that carry a token, recursively.

    With ``keys``: exactly those keys. Without: any key containing ``token``, ``jwt`` or ``secret``
    (``token``, ``accessToken``, ``jwt``, ``secret``, ``tel_token`` ...). A bare string (a ``text/plain``
    token) becomes ``""``.
    """
    if isinstance(value, str):
        return ""
    return _drop(value, keys)


def _drop(value: Any, keys: tuple[str, ...] | None) -> Any:
    if isinstance(value, dict):
        return {k: _drop(v, keys) for k, v in value.items() if not (k in keys if keys is not None else _TOKEN_KEY.search(str(k)))}
    if isinstance(value, list):
        return [_drop(v, keys) for v in value]
    return value


def _headers(value: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(value, Mapping):
        value = value.items()
    return tuple((str(k), str(v)) for k, v in value)


def _keys(value: Any) -> tuple[str, ...] | None:
    return None if value is None else tuple(str(k) for k in value)


def _check_kind(_: Any, __: Any, value: str) -> None:
    if value not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {value!r}; known: {', '.join(FAULT_KINDS)}")


def _non_negative(_: Any, attribute: Any, value: float | int | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"fault {attribute.name} must be >= 0, got {value!r}")


@attrs.frozen
class Fault:
    """One misbehaviour. Build it with the class methods (``Fault.status(503, retry_after=1)``) or
    ``Fault(kind=..., ...)``; fields a kind does not use are ignored."""

    kind: str = attrs.field(validator=_check_kind)
    run_handler: bool | None = None
    delay: float = attrs.field(default=0.0, validator=_non_negative)
    status: int | None = None
    body: Any = None
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_headers)
    retry_after: float | None = attrs.field(default=None, validator=_non_negative)
    retry_after_ms: int | None = attrs.field(default=None, validator=_non_negative)
    content_type: str | None = None
    sent_bytes: int | None = attrs.field(default=None, validator=_non_negative)
    size: int = attrs.field(default=50 * 1024 * 1024, validator=_non_negative)
    chunked: bool = False
    chunk_size: int = attrs.field(default=1, validator=_non_negative)
    interval: float = attrs.field(default=0.05, validator=_non_negative)
    drop_keys: tuple[str, ...] | None = attrs.field(default=None, converter=_keys)
    transform: Callable[[Any], Any] | None = attrs.field(default=None, eq=False)

    @property
    def runs_handler(self) -> bool:
        """Whether the real handler runs (and creates its resource) before the fault acts."""
        return _RUN_HANDLER_DEFAULT[self.kind] if self.run_handler is None else self.run_handler

    # -- constructors -------------------------------------------------------------------------------
    @classmethod
    def latency(cls, seconds: float) -> Fault:
        return cls("latency", delay=seconds)

    @classmethod
    def http_status(
        cls,
        status: int,
        *,
        body: Any = None,
        retry_after: float | None = None,
        retry_after_ms: int | None = None,
        headers: tuple[tuple[str, str], ...] = (),
        run_handler: bool = False,
    ) -> Fault:
        """Answer ``status`` (``body``: JSON value, str or bytes; default a small JSON error)."""
        return cls(
            "status",
            status=status,
            body=body,
            retry_after=retry_after,
            retry_after_ms=retry_after_ms,
            headers=headers,
            run_handler=run_handler,
        )

    @classmethod
    def reset(cls, *, after_handler: bool = False) -> Fault:
        """Reset the connection before any response; with ``after_handler`` the resource was created."""
        return cls("reset", run_handler=after_handler)

    @classmethod
    def reset_mid_body(cls, sent_bytes: int = 0) -> Fault:
        """Send the headers and ``sent_bytes`` of the body, then reset."""
        return cls("reset_mid_body", sent_bytes=sent_bytes)

    @classmethod
    def truncated(cls, sent_bytes: int | None = None) -> Fault:
        """Declare the full Content-Length, send ``sent_bytes`` (default half the body), then close."""
        return cls("truncated", sent_bytes=sent_bytes)

    @classmethod
    def malformed_json(cls) -> Fault:
        return cls("malformed_json")

    @classmethod
    def non_json(cls, status: int | None = None) -> Fault:
        """An HTML error page labelled ``application/json`` (status: the handler's unless given)."""
        return cls("non_json", status=status)

    @classmethod
    def wrong_content_type(cls, content_type: str = "text/html; charset=utf-8") -> Fault:
        return cls("wrong_content_type", content_type=content_type)

    @classmethod
    def missing_token(cls, transform: Callable[[Any], Any] | None = None, *, drop_keys: tuple[str, ...] | None = None) -> Fault:
        """The normal success answer minus its token (``transform`` on the decoded JSON, default
        :func:`drop_token_fields`)."""
        return cls("missing_token", transform=transform, drop_keys=drop_keys)

    @classmethod
    def huge_body(cls, size: int = 50 * 1024 * 1024, *, chunked: bool = False, status: int = 200) -> Fault:
        """``size`` bytes of JSON, streamed without being built in memory."""
        return cls("huge_body", size=size, chunked=chunked, status=status)

    @classmethod
    def drip(cls, chunk_size: int = 1, interval: float = 0.05) -> Fault:
        """The normal answer, its body trickled ``chunk_size`` bytes every ``interval`` seconds."""
        return cls("drip", chunk_size=max(1, chunk_size), interval=interval)

    # -- JSON ---------------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The fields that differ from the defaults (``transform`` cannot be described)."""
        out: dict[str, Any] = {"kind": self.kind}
        for field in attrs.fields(Fault):
            if field.name in ("kind", "transform"):
                continue
            value = getattr(self, field.name)
            if value != field.default:
                if field.name == "headers":
                    value = [list(h) for h in value]
                elif field.name == "drop_keys":
                    value = list(value)
                elif field.name == "body" and isinstance(value, bytes):
                    value = value.decode("utf-8", "replace")
                out[field.name] = value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        """Build a fault from :meth:`to_json`'s shape; raises ``ValueError`` on unknown fields."""
        if not isinstance(data, Mapping):
            raise ValueError("a fault is a JSON object with at least 'kind'")
        allowed = {f.name for f in attrs.fields(Fault)} - {"transform"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        if "kind" not in data:
            raise ValueError("a fault needs 'kind'")
        kwargs = dict(data)
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise ValueError(str(exc)) from None


@attrs.frozen
class InjectedFault:
    """An armed fault: ``remaining`` is None for unlimited."""

    id: int
    provider: str
    operation_id: str
    fault: Fault
    remaining: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "provider": self.provider,
            "operation_id": self.operation_id,
            "remaining": self.remaining,
            "fault": self.fault.to_json(),
        }


class FaultTable:
    """Armed faults, oldest first. Thread-safe; ``take`` is a no-op fast path when nothing is armed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[list[Any]] = []  # [id, provider, operation_id, fault, remaining]
        self._ids = itertools.count(1)
        self.applied = 0

    def __bool__(self) -> bool:
        return bool(self._items)

    def add(self, provider: str, operation_id: str, fault: Fault, times: int | None = None) -> int:
        if times is not None and times <= 0:
            raise ValueError(f"times must be a positive count or None (unlimited), got {times!r}")
        with self._lock:
            fid = next(self._ids)
            self._items.append([fid, provider, operation_id, fault, times])
            return fid

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._items)
            self._items = [item for item in self._items if item[0] != fault_id]
            return len(self._items) != before

    def clear(self) -> None:
        with self._lock:
            self._items = []

    def take(self, provider: str, operation_id: str) -> Fault | None:
        """The first armed fault for this route (consuming one of its uses), or None."""
        if not self._items:
            return None
        with self._lock:
            for item in self._items:
                if item[1] in ("*", provider) and item[2] in ("*", operation_id):
                    if item[4] is not None:
                        item[4] -= 1
                        if item[4] <= 0:
                            self._items.remove(item)
                    self.applied += 1
                    fault: Fault = item[3]
                    return fault
        return None

    def list(self) -> list[InjectedFault]:
        with self._lock:
            return [InjectedFault(i[0], i[1], i[2], i[3], i[4]) for i in self._items]
