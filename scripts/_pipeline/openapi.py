"""Walking an OpenAPI document: operations, ``$ref`` closure, digests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import PipelineError
from .yamlio import canonical_json

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Operation:
    """One operation of a document, with what is needed to copy or compare it."""

    method: str
    path: str
    operation_id: str | None
    node: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        """``METHOD /path``."""
        return f"{self.method.upper()} {self.path}"

    @property
    def key(self) -> str:
        """The operationId, else ``METHOD /path``."""
        return self.operation_id or self.label


def iter_operations(doc: Any) -> Iterator[Operation]:
    """Yield every operation in document order."""
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            node = item.get(method)
            if isinstance(node, dict):
                op_id = node.get("operationId")
                yield Operation(method, str(path), op_id if isinstance(op_id, str) else None, node, item)


def iter_refs(node: Any) -> Iterator[str]:
    """Yield every local reference under ``node``: ``$ref`` values and discriminator mappings."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield ref
            mapping = current.get("mapping")
            if "propertyName" in current and isinstance(mapping, dict):
                yield from (v for v in mapping.values() if isinstance(v, str) and v.startswith("#/"))
            stack.extend(v for k, v in current.items() if k != "$ref")
        elif isinstance(current, list):
            stack.extend(current)


def split_pointer(ref: str) -> list[str]:
    """``#/components/schemas/A~1B`` -> ``["components", "schemas", "A/B"]``."""
    if not ref.startswith("#/"):
        raise PipelineError(f"external reference {ref!r} is not supported; inline or bundle it first")
    return [part.replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/")]


def resolve(doc: Any, ref: str) -> Any:
    """Return the node ``ref`` points at, or raise a ``PipelineError``."""
    node = doc
    for part in split_pointer(ref):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise PipelineError(f"unresolvable reference {ref!r}")
    return node


def ref_closure(doc: Any, roots: Iterable[Any]) -> set[str]:
    """Every reference reachable from ``roots``, transitively."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        for ref in iter_refs(stack.pop()):
            if ref not in seen:
                seen.add(ref)
                stack.append(resolve(doc, ref))
    return seen


def operation_roots(op: Operation) -> list[Any]:
    """The nodes an operation's meaning depends on (itself and its path-level parameters)."""
    return [op.node, op.path_item.get("parameters", [])]


def operation_digest(doc: Any, op: Operation) -> str:
    """A hash of an operation including everything it references."""
    refs = sorted(ref_closure(doc, operation_roots(op)))
    payload = {
        "method": op.method,
        "path": op.path,
        "operation": op.node,
        "path_parameters": op.path_item.get("parameters"),
        "components": {ref: resolve(doc, ref) for ref in refs},
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()[:16]


def operation_summary(doc: Any) -> dict[str, dict[str, str]]:
    """``{key: {method, path, sha256}}`` for every operation."""
    return {op.key: {"method": op.method.upper(), "path": op.path, "sha256": operation_digest(doc, op)} for op in iter_operations(doc)}


def diff_operations(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> list[str]:
    """Human-readable lines: ``+`` added, ``-`` removed, ``~`` changed."""
    lines: list[str] = []
    for key in sorted(new.keys() - old.keys()):
        lines.append(f"+ {key} ({new[key]['method']} {new[key]['path']})")
    for key in sorted(old.keys() - new.keys()):
        lines.append(f"- {key} ({old[key]['method']} {old[key]['path']})")
    for key in sorted(old.keys() & new.keys()):
        if old[key] != new[key]:
            before, after = old[key], new[key]
            moved = (before["method"], before["path"]) != (after["method"], after["path"])
            where = f"{before['method']} {before['path']} -> " if moved else ""
            lines.append(f"~ {key} ({where}{after['method']} {after['path']})")
    return lines
