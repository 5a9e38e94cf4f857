"""Declared fix-ups for upstream specs that openapi-python-client 0.29.1 cannot generate.

Each fix-up is a function ``(doc) -> list[str]`` that edits the document in
place and returns one line per change, so a slice records what was altered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Fixup = Callable[[Any], list[str]]


def _walk(node: Any, pointer: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(json pointer, mapping)`` for every mapping in the document."""
    stack: list[tuple[str, Any]] = [(pointer, node)]
    while stack:
        where, current = stack.pop()
        if isinstance(current, dict):
            yield where, current
            stack.extend((f"{where}/{_escape(str(k))}", v) for k, v in reversed(current.items()))
        elif isinstance(current, list):
            stack.extend((f"{where}/{i}", v) for i, v in reversed(list(enumerate(current))))


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def required_only_combinators(doc: Any) -> list[str]:
    """Drop ``anyOf``/``oneOf`` lists whose members carry only ``required``.

    Clerk's ``POST /saml_connections`` body says "domain or domains is
    required" as ``anyOf: [{required: [domain]}, {required: [domains]}]``.
    The generator turns each member into an empty model and the endpoint
    module does not parse. The properties stay on the parent schema (all
    optional); the alternative is recorded in its description.
    """
    changes = []
    for where, node in _walk(doc):
        for keyword in ("anyOf", "oneOf"):
            members = node.get(keyword)
            if not isinstance(members, list) or not members:
                continue
            if not all(isinstance(m, dict) and set(m) <= {"required", "description"} and "required" in m for m in members):
                continue
            alternatives = " | ".join("+".join(map(str, m["required"])) for m in members)
            del node[keyword]
            note = f"Requires {'exactly one' if keyword == 'oneOf' else 'at least one'} of: {alternatives}."
            node["description"] = f"{node['description']}\n\n{note}" if node.get("description") else note
            changes.append(f"{where}: dropped {keyword} of required-only members ({alternatives})")
    return changes


def enum_case_duplicates(doc: Any) -> list[str]:
    """Name enum members whose generated keys would collide (``telnyx`` / ``Telnyx``).

    Without ``literal_enums`` the generator names a member ``value.upper()``
    and stops with ``Duplicate key ... in enum``. This adds
    ``x-enum-varnames`` (which the generator honours) with unique names, so
    every wire value is kept. ``literal_enums: true`` in the config is the
    other fix (no enum classes at all).
    """
    changes = []
    for where, node in _walk(doc):
        values = node.get("enum")
        if not isinstance(values, list) or "x-enum-varnames" in node or not all(isinstance(v, str) for v in values):
            continue
        keys = [v.upper() if v and v[0].isalpha() else f"VALUE_{i}" for i, v in enumerate(values)]
        if len(set(keys)) == len(keys):
            continue
        names: list[str] = []
        for key in keys:
            name, n = key, 2
            while name in names:
                name, n = f"{key}_{n}", n + 1
            names.append(name)
        node["x-enum-varnames"] = names
        changes.append(f"{where}: named colliding enum members {names}")
    return changes


FIXUPS: dict[str, Fixup] = {
    "required-only-combinators": required_only_combinators,
    "enum-case-duplicates": enum_case_duplicates,
}
