"""Small helpers shared by provider plugins (re-exported by :mod:`anytoken.provider`).

Runtime code: nothing here imports :mod:`anytoken.devkit`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SecretMapping", "given"]


class SecretMapping(dict[str, Any]):
    """Keyword arguments or headers that carry a secret: the repr shows the keys only, never a value."""

    def __repr__(self) -> str:
        return f"<{len(self)} values: {', '.join(sorted(self))}>"

    __str__ = __repr__


def given(value: Any, unset: type) -> Any:
    """``value`` as the generated client returned it, or ``None`` when it is absent (``None`` or ``unset``).

    ``unset`` is the generated client's UNSET marker type (``<client>.types.Unset``): each generated
    client has its own, so the plugin passes it in.
    """
    return None if value is None or isinstance(value, unset) else value
