"""YAML for the scripts: ``anytoken.devkit.openapi``'s loader with ``PipelineError``, hashing and error positions.

OpenAPI is JSON: YAML's implicit timestamps (``version: 2026-05-12``) stay strings, or the generator and the
validator reject the document. The C loader is used when PyYAML has it (the 4 MB Telnyx spec loads ~10x
faster).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from .errors import PipelineError


def loads(text: str, source: str) -> Any:
    """Parse YAML or JSON text; errors name ``source`` and the line."""
    from anytoken.devkit.openapi import SpecError, load_yaml

    try:
        return load_yaml(text, source)
    except SpecError as exc:
        raise PipelineError(str(exc)) from None


def canonical_json(value: Any) -> str:
    """A stable text form of ``value`` for hashing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def locate(text: str, path: list[str | int]) -> tuple[int, int] | None:
    """Return the (line, column), 1-based, of the node at ``path`` in YAML ``text``.

    Falls back to the deepest ancestor that exists; ``None`` if the text does
    not compose (it parsed before, so that should not happen).
    """
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    best = node
    for part in path:
        node = _child(node, part)
        if node is None:
            break
        best = node
    if best is None:
        return None
    return best.start_mark.line + 1, best.start_mark.column + 1


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                found: yaml.Node = value
                return found
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None
