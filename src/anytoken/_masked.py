"""A view of a provider's typed answer that never prints a secret: what :attr:`Token.raw` holds.

:func:`masked` wraps the generated client's response model (an attrs class) in a :class:`Masked` proxy:
attribute and item access work as on the model (``token.raw.id``, ``token.raw.additional_properties["x"]``,
``isinstance(token.raw, M2MToken)``), but ``repr``/``str``/``format`` of the proxy and of every object
reached through it (nested models, dicts, lists, bound methods) have the given secrets replaced with
``***``. Strings are data and come back as they are: ``token.raw.token`` is the token, as ``token.value``.
Calling a method returns its plain result (``token.raw.to_dict()`` is an ordinary dict, for JSON).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any

__all__ = ["Masked", "masked", "unmasked"]

_PLAIN = (str, bytes, bytearray, int, float, complex, bool, type(None), datetime, date, time, timedelta, Enum)


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def masked(value: Any, secrets: tuple[str, ...] | list[str]) -> Any:
    """``value`` itself when it is plain data (str, numbers, dates, enums), else a :class:`Masked` view."""
    cls = type(value)
    if cls is not Masked and (isinstance(value, _PLAIN) or cls.__name__ == "Unset"):
        # (a Masked view first: isinstance against _PLAIN would ask its __class__ property once per type)
        return value
    usable = tuple(sorted({s for s in secrets if isinstance(s, str) and len(s) >= 4}, key=len, reverse=True))
    if cls is Masked:
        inner, known = object.__getattribute__(value, "_target"), object.__getattribute__(value, "_secrets")
        return Masked(inner, tuple(sorted({*known, *usable}, key=len, reverse=True)))
    return Masked(value, usable)


def unmasked(value: Any) -> Any:
    """The object behind a :class:`Masked` view (anything else is returned as is)."""
    if isinstance(value, Masked):
        return object.__getattribute__(value, "_target")
    return value


class Masked:
    """A transparent view of ``target`` whose text forms never contain ``secrets``."""

    __slots__ = ("_secrets", "_target")

    def __init__(self, target: Any, secrets: tuple[str, ...]) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_secrets", secrets)

    def _wrap(self, value: Any) -> Any:
        return masked(value, object.__getattribute__(self, "_secrets"))

    # -- the typed API of the target ------------------------------------------------------------------
    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance(token.raw, M2MToken) keeps working
        return type(object.__getattribute__(self, "_target"))

    def __getattr__(self, name: str) -> Any:
        value = getattr(object.__getattribute__(self, "_target"), name)
        if callable(value) and not isinstance(value, type):
            return _MaskedCallable(value, object.__getattribute__(self, "_secrets"))
        return self._wrap(value)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(object.__getattribute__(self, "_target"), name, unmasked(value))

    def __delattr__(self, name: str) -> None:
        delattr(object.__getattribute__(self, "_target"), name)

    def __dir__(self) -> list[str]:
        return dir(object.__getattribute__(self, "_target"))

    def __getitem__(self, key: Any) -> Any:
        return self._wrap(object.__getattribute__(self, "_target")[key])

    def __setitem__(self, key: Any, value: Any) -> None:
        object.__getattribute__(self, "_target")[key] = unmasked(value)

    def __delitem__(self, key: Any) -> None:
        del object.__getattribute__(self, "_target")[key]

    def __contains__(self, key: Any) -> bool:
        return key in object.__getattribute__(self, "_target")

    def __iter__(self) -> Iterator[Any]:
        return (self._wrap(v) for v in object.__getattribute__(self, "_target"))

    def __len__(self) -> int:
        return len(object.__getattribute__(self, "_target"))

    def __bool__(self) -> bool:
        return bool(object.__getattribute__(self, "_target"))

    def __eq__(self, other: object) -> bool:
        return bool(object.__getattribute__(self, "_target") == unmasked(other))

    def __hash__(self) -> int:
        return hash(object.__getattribute__(self, "_target"))

    # -- text never shows a secret --------------------------------------------------------------------
    def __repr__(self) -> str:
        return _scrub(repr(object.__getattribute__(self, "_target")), object.__getattribute__(self, "_secrets"))

    def __str__(self) -> str:
        return _scrub(str(object.__getattribute__(self, "_target")), object.__getattribute__(self, "_secrets"))

    def __format__(self, spec: str) -> str:
        return _scrub(format(object.__getattribute__(self, "_target"), spec), object.__getattribute__(self, "_secrets"))

    def __reduce__(self) -> tuple[object, ...]:
        return (Masked, (object.__getattribute__(self, "_target"), object.__getattribute__(self, "_secrets")))

    def __copy__(self) -> Masked:
        import copy

        return Masked(copy.copy(object.__getattribute__(self, "_target")), object.__getattribute__(self, "_secrets"))

    def __deepcopy__(self, memo: dict[int, Any]) -> Masked:
        import copy

        target = copy.deepcopy(object.__getattribute__(self, "_target"), memo)
        return Masked(target, object.__getattribute__(self, "_secrets"))


class _MaskedCallable:
    """A bound method of a masked object: callable as usual, but its repr (which shows ``self``) is masked."""

    __slots__ = ("_fn", "_secrets")

    def __init__(self, fn: Any, secrets: tuple[str, ...]) -> None:
        self._fn = fn
        self._secrets = secrets

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)

    def __repr__(self) -> str:
        return _scrub(repr(self._fn), self._secrets)

    __str__ = __repr__
