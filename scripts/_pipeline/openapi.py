"""``anytoken.devkit.openapi`` for the scripts: ``PipelineError`` instead of ``SpecError``, and operation digests.

Selecting, resolving and slicing are the core package's (shared with ``anytoken new-plugin``); what is
only the pipeline's is here: the per-operation hashes in the stamp and their diff.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from anytoken.devkit.openapi import Operation, SpecError, iter_operations, operation_roots, ref_closure, resolve_ref
from anytoken.devkit.openapi import select_operations as _select_operations

from .errors import PipelineError
from .yamlio import canonical_json


@contextlib.contextmanager
def pipeline_errors() -> Iterator[None]:
    """Report the core's ``SpecError`` as a ``PipelineError`` (one line, exit status 1)."""
    try:
        yield
    except SpecError as exc:
        raise PipelineError(str(exc)) from None


def select_operations(doc: Any, wanted: Sequence[str], source: str = "the source") -> list[Operation]:
    """The operations named by operationId or ``METHOD /path``, in the order asked (close names suggested)."""
    with pipeline_errors():
        return _select_operations(doc, wanted, source)


def operation_digest(doc: Any, op: Operation) -> str:
    """A hash of an operation including everything it references."""
    with pipeline_errors():
        refs = sorted(ref_closure(doc, operation_roots(op)))
        components = {ref: resolve_ref(doc, ref) for ref in refs}
    payload = {
        "method": op.method,
        "path": op.path,
        "operation": op.node,
        "path_parameters": op.path_item.get("parameters"),
        "components": components,
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
