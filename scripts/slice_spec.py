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
filter of its own (openapi-python-client#55), hence this script. The slicing
is ``anytoken.devkit.openapi``'s, the same as ``anytoken new-plugin``'s.

Exit codes: 0 ok, 1 error (unknown operation, unreadable source), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from _pipeline.errors import UsageError, exit_status
from _pipeline.openapi import pipeline_errors, select_operations

from anytoken.devkit.openapi import FIXUPS, Operation, apply_fixups, dump_yaml, read_document, slice_document

__all__ = ["main", "render", "select_operations", "slice_document"]


def render(doc: dict[str, object], source: str, operations: Sequence[Operation], fixups: Sequence[str]) -> str:
    header = [
        f"Sliced from {source} by scripts/slice_spec.py.",
        f"Operations: {', '.join(op.key for op in operations)}.",
        f"Fix-ups: {', '.join(fixups) or 'none'}.",
    ]
    return dump_yaml(doc, header)


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
    with pipeline_errors():
        doc = read_document(args.source)
        operations = select_operations(doc, args.operation, args.source)
        sliced = slice_document(doc, operations)
        changes = apply_fixups(sliced, args.fixup)
    for change in changes:
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
    return exit_status(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
