"""Walk everything reachable from a Token or an error, to prove no secret shows in any repr/str."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from anytoken._masked import Masked
from anytoken._secrets import Secret

__all__ = ["assert_nothing_reachable_shows", "reachable"]

#: a Secret is the one place a secret may live: it never prints itself
_LEAVES = (str, bytes, bytearray, int, float, complex, bool, type(None), Secret)
_MAX_OBJECTS = 10_000


def reachable(root: Any, path: str = "root") -> Iterator[tuple[str, Any]]:
    """``(path, object)`` for ``root`` and every object reachable from it: attrs fields, ``__dict__`` and
    ``__slots__`` attributes, mapping keys and values, sequence items, ``additional_properties``, and an
    exception's args, cause and context. Each object once; plain values (str, numbers) are leaves."""
    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [(path, root)]
    while stack and len(seen) < _MAX_OBJECTS:
        where, obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        yield where, obj
        if isinstance(obj, _LEAVES):
            continue
        stack.extend(_children(where, obj))


def _children(where: str, obj: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    cls = obj.__class__  # a masking view answers with the model's class
    if attrs.has(cls):
        out += [(f"{where}.{f.name}", getattr(obj, f.name)) for f in attrs.fields(cls)]
    elif not isinstance(obj, type | Masked):  # a masking view is walked through its public face only
        names = [n for n in getattr(obj, "__dict__", {}) if not n.startswith("__")]
        for klass in type(obj).__mro__:
            slots = klass.__dict__.get("__slots__", ())
            names += [slots] if isinstance(slots, str) else list(slots)
        for name in dict.fromkeys(names):
            try:
                out.append((f"{where}.{name}", object.__getattribute__(obj, name)))
            except AttributeError:
                continue
    extra = getattr(obj, "additional_properties", None) if attrs.has(cls) else None
    if extra is not None:
        out.append((f"{where}.additional_properties", extra))
    if isinstance(obj, Mapping):
        for key in list(obj.keys()):
            out += [(f"{where}[{key!r}]/key", key), (f"{where}[{key!r}]", obj[key])]
    elif isinstance(obj, list | tuple | set | frozenset):
        out += [(f"{where}[{i}]", item) for i, item in enumerate(obj)]
    if isinstance(obj, BaseException):
        out += [(f"{where}.args[{i}]", a) for i, a in enumerate(obj.args)]
        out += [(f"{where}.__cause__", obj.__cause__), (f"{where}.__context__", obj.__context__)]
    return out


def assert_nothing_reachable_shows(root: Any, *secrets: str) -> None:
    """Fail, naming the path, when the repr or str of ``root`` or of any object reachable from it contains one
    of ``secrets`` (values shorter than 4 characters are ignored).

    A string is checked like any object, except under a token's ``raw``: there strings are the provider's
    answer as data (``token.raw.token`` is the token, as ``token.value`` is), and what must not show the
    secret is the text of every object holding them."""
    wanted = [s for s in secrets if isinstance(s, str) and len(s) >= 4]
    for where, obj in reachable(root):
        if isinstance(obj, str) and where.startswith("root.raw"):
            continue
        if any(secret in text for text in _texts(obj) for secret in wanted):
            # raised, not asserted: pytest's assertion rewriting would print the secret next to the message
            raise AssertionError(f"a secret shows in the repr/str of {where} ({type(obj).__name__})")


def _texts(obj: Any) -> tuple[str, ...]:
    try:
        return (repr(obj), str(obj))
    except Exception as exc:  # a broken repr is a bug, but not a leak
        return (f"<{type(exc).__name__} in repr>",)
