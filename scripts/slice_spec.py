#!/usr/bin/env python3
"""Cut a self-contained OpenAPI document down to a few operations.

    python scripts/slice_spec.py SOURCE --operation OPID [--operation ...] -o OUT.yaml [--fixup NAME ...]

SOURCE is a path or an http(s) URL (YAML or JSON). An operation is named by
its operationId or as ``"METHOD /path"``. The output keeps ``openapi``,
``info``, ``servers``, ``security`` and the tags in use, the selected
operations, and every component they reference, transitively: schemas,
parameters, responses, request bodies, headers, examples, links, callbacks,
plus the security schemes named by the global or per-operation ``security``.

``--fixup NAME`` applies a declared repair for constructs the generator cannot
handle (``--list-fixups`` lists them). openapi-python-client has no operation
filter of its own (openapi-python-client#55), hence this script.

Exit codes: 0 ok, 1 error (unknown operation, unreadable source), 2 usage.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _pipeline import yamlio
from _pipeline.errors import PipelineError, UsageError
from _pipeline.fixups import FIXUPS
from _pipeline.openapi import HTTP_METHODS, Operation, iter_operations, operation_roots, ref_closure, split_pointer

_METHOD_PATH = re.compile(rf"^\s*({'|'.join(HTTP_METHODS)})\s+(/\S*)\s*$", re.IGNORECASE)
_TOP_LEVEL = ("openapi", "info", "jsonSchemaDialect", "servers", "security")
_PATH_ITEM_SHARED = ("summary", "description", "servers", "parameters")


def read_source(source: str) -> tuple[str, Any]:
    """Return ``(text, document)`` for a path or URL."""
    if re.match(r"^https?://", source):
        try:
            with urllib.request.urlopen(source, timeout=60) as response:
                text = response.read().decode("utf-8")
        except (urllib.error.URLError, TimeoutError, UnicodeDecodeError) as exc:
            raise PipelineError(f"{source}: cannot download: {exc}") from None
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PipelineError(f"{source}: cannot read: {exc}") from None
    doc = yamlio.loads(text, source)
    if not isinstance(doc, dict) or "paths" not in doc:
        raise PipelineError(f"{source}: not an OpenAPI document (no 'paths')")
    return text, doc


def select_operations(doc: Any, wanted: Sequence[str]) -> list[Operation]:
    """The operations named by operationId or ``METHOD /path``, in the order asked."""
    operations = list(iter_operations(doc))
    by_id = {op.operation_id: op for op in operations if op.operation_id}
    by_label = {op.label: op for op in operations}
    selected: list[Operation] = []
    for name in wanted:
        match = _METHOD_PATH.match(name)
        op = by_label.get(f"{match.group(1).upper()} {match.group(2)}") if match else by_id.get(name.strip())
        if op is None:
            candidates = list(by_label) if match else list(by_id)
            close = difflib.get_close_matches(name.strip(), candidates, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise PipelineError(f"operation {name!r} not found ({len(operations)} operations in the source){hint}")
        if op not in selected:
            selected.append(op)
    return selected


def slice_document(doc: Any, operations: Sequence[Operation]) -> dict[str, Any]:
    """A new document holding ``operations`` and their transitive references."""
    out: dict[str, Any] = {key: doc[key] for key in _TOP_LEVEL if key in doc}
    paths: dict[str, Any] = {}
    for op in operations:
        item = paths.setdefault(op.path, {k: op.path_item[k] for k in _PATH_ITEM_SHARED if k in op.path_item})
        item[op.method] = op.node
    tags = _used_tags(doc, operations)
    if tags:
        out["tags"] = tags
    out["paths"] = paths
    components = _components(doc, operations)
    if components:
        out["components"] = components
    return out


def _used_tags(doc: Any, operations: Sequence[Operation]) -> list[Any]:
    names = {tag for op in operations for tag in op.node.get("tags", [])}
    return [tag for tag in doc.get("tags", []) if isinstance(tag, dict) and tag.get("name") in names]


def _components(doc: Any, operations: Sequence[Operation]) -> dict[str, Any]:
    roots = [root for op in operations for root in operation_roots(op)]
    wanted: dict[str, set[str]] = {}
    for ref in ref_closure(doc, roots):
        parts = split_pointer(ref)
        if len(parts) != 3 or parts[0] != "components":
            raise PipelineError(f"reference {ref!r} does not point at a component; cannot slice it")
        wanted.setdefault(parts[1], set()).add(parts[2])
    schemes = _security_schemes(doc, operations)
    if schemes:
        wanted.setdefault("securitySchemes", set()).update(schemes)
    source = doc.get("components", {})
    # Keep the source's order of sections and of entries, so slices diff well.
    return {
        section: {name: entry for name, entry in source[section].items() if name in wanted[section]}
        for section in source
        if section in wanted
    }


def _security_schemes(doc: Any, operations: Sequence[Operation]) -> set[str]:
    requirements = list(doc.get("security", []))
    for op in operations:
        requirements.extend(op.node.get("security", []))
    available = doc.get("components", {}).get("securitySchemes", {})
    return {name for req in requirements if isinstance(req, dict) for name in req if name in available}


def apply_fixups(doc: Any, names: Sequence[str]) -> list[str]:
    """Apply the named fix-ups in order; return what each changed."""
    changes: list[str] = []
    for name in names:
        for change in FIXUPS[name](doc):
            changes.append(f"{name}: {change}")
    return changes


def render(doc: dict[str, Any], source: str, operations: Sequence[Operation], fixups: Sequence[str]) -> str:
    header = [
        f"# Sliced from {source} by scripts/slice_spec.py.",
        f"# Operations: {', '.join(op.key for op in operations)}.",
        f"# Fix-ups: {', '.join(fixups) or 'none'}.",
    ]
    return "\n".join(header) + "\n" + yamlio.dumps(doc)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="slice_spec.py", description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("source", nargs="?", help="OpenAPI document: a path or an http(s) URL")
    parser.add_argument(
        "--operation",
        "-p",
        action="append",
        default=[],
        metavar="OPID",
        help="operationId or 'METHOD /path' to keep (repeatable)",
    )
    parser.add_argument("-o", "--output", type=Path, help="where to write the sliced YAML ('-' for stdout)")
    parser.add_argument("--fixup", action="append", default=[], metavar="NAME", help="apply a declared fix-up (repeatable)")
    parser.add_argument("--list-fixups", action="store_true", help="list the declared fix-ups and exit")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    if args.list_fixups:
        for name, fixup in FIXUPS.items():
            print(f"{name}: {(fixup.__doc__ or '').strip().splitlines()[0]}")
        return 0
    if not args.source or not args.operation or not args.output:
        raise UsageError("need SOURCE, at least one --operation and -o OUT.yaml (see --help)")
    unknown = [name for name in args.fixup if name not in FIXUPS]
    if unknown:
        raise UsageError(f"unknown fix-up {', '.join(map(repr, unknown))}; available: {', '.join(FIXUPS)}")
    _, doc = read_source(args.source)
    operations = select_operations(doc, args.operation)
    sliced = slice_document(doc, operations)
    for change in apply_fixups(sliced, args.fixup):
        print(f"fixed {change}", file=sys.stderr)
    text = render(sliced, args.source, operations, args.fixup)
    if str(args.output) == "-":
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        count = sum(len(v) for v in sliced.get("components", {}).values())
        print(f"wrote {args.output}: {len(operations)} operations, {count} components", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
