"""The command line: ``python -m anytoken.devkit.spec_drift PROVIDER --upstream FILE_OR_URL`` (and scripts/spec_drift.py)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from anytoken.devkit.openapi import SpecError, read_document
from anytoken.devkit.spec_drift._operations import compare_documents
from anytoken.devkit.spec_drift._report import Accepted, apply_accepted, load_accepted, render_json, render_text

_PROVIDER = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
USAGE = """\
Compare every operation of specs/PROVIDER.yaml with the same operation of an upstream OpenAPI spec and
classify each difference as breaking, additive or cosmetic. Exit 0: no breaking drift; 1: breaking drift;
2: bad arguments or an unreadable spec. Reviewed differences go in specs/PROVIDER.drift-accepted.yaml
(each with a reason); they are reported but do not fail the check."""


def parse_args(argv: Sequence[str] | None, prog: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=USAGE)
    parser.add_argument("provider", help="provider name: selects specs/PROVIDER.yaml")
    parser.add_argument("--upstream", required=True, metavar="FILE_OR_URL", help="the provider's published spec (YAML or JSON)")
    parser.add_argument("--ours", type=Path, metavar="PATH", help="our spec (default: specs/PROVIDER.yaml)")
    parser.add_argument(
        "--accepted",
        type=Path,
        metavar="PATH",
        help="accepted-drift file (default: PROVIDER.drift-accepted.yaml next to our spec, if present)",
    )
    parser.add_argument("--no-accepted", action="store_true", help="ignore the accepted-drift file")
    parser.add_argument("--json", action="store_true", help="print a machine-readable report")
    parser.add_argument("--quiet", action="store_true", help="list only breaking findings (accepted or not) and the summary")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, root: Path) -> tuple[int, str]:
    """``(exit code, report text)``; bad input raises :class:`SpecError`."""
    if not _PROVIDER.match(args.provider):
        raise SpecError(f"provider {args.provider!r} is not a provider name (lower-case letters, digits, '-', '_')")
    ours_path: Path = args.ours or root / "specs" / f"{args.provider}.yaml"
    if not ours_path.is_file():
        hint = "" if args.ours else "; give --ours PATH for a spec elsewhere"
        raise SpecError(f"our spec {str(ours_path)!r} not found{hint}")
    default_accepted = ours_path.with_name(f"{args.provider}.drift-accepted.yaml")
    accepted_path: Path | None = args.accepted or (default_accepted if default_accepted.is_file() else None)
    if args.no_accepted:
        accepted_path = None
    accepted: list[Accepted] = load_accepted(accepted_path) if accepted_path else []
    report = compare_documents(read_document(ours_path), read_document(args.upstream), _shown(ours_path, root), args.upstream)
    stale = apply_accepted(report, accepted)
    code = 1 if report.breaking else 0
    shown = _shown(accepted_path, root) if accepted_path else None
    render = render_json if args.json else render_text
    return code, render(report, shown, stale, code, args.quiet)


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None, root: Path | None = None, prog: str = "python -m anytoken.devkit.spec_drift") -> int:
    """Run the check; print the report on stdout, a bad input as one ``error:`` line on stderr (exit 2)."""
    args = parse_args(argv, prog)
    try:
        code, text = run(args, root or Path.cwd())
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return code
