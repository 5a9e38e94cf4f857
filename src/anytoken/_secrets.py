"""Secret strings that never print themselves."""

from __future__ import annotations

import hashlib

__all__ = ["Secret", "fingerprint", "mask"]


def mask(value: str) -> str:
    """A masked form safe for humans: a few leading characters of long values, never the secret."""
    if len(value) >= 24:
        return f"{value[:4]}…({len(value)} chars)"
    return "***"


def fingerprint(value: str) -> str:
    """A short, stable, non-reversible id of a secret (sha256, 12 hex digits) for logs and cache keys."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]


class Secret:
    """A string that shows ``***`` in repr/str/format; ``.get()`` returns the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        return (Secret, (self._value,))
