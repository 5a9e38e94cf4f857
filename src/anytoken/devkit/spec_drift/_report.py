"""Accepted drift (a reviewed allow-list with a reason per entry) and the text and JSON reports."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from anytoken.devkit.openapi import SpecError, load_yaml
from anytoken.devkit.spec_drift._findings import BREAKING, SEVERITIES, Finding
from anytoken.devkit.spec_drift._operations import Report

_ENTRY_KEYS = frozenset({"operation", "kind", "ours", "upstream", "reason"})


@dataclasses.dataclass(frozen=True)
class Accepted:
    """One reviewed difference: it matches findings of ``operation`` on every field it gives."""

    operation: str
    reason: str
    kind: str | None = None
    ours: str | None = None
    upstream: str | None = None

    def matches(self, finding: Finding) -> bool:
        return (
            self.operation in (finding.operation, "*")
            and self.kind in (None, finding.kind)
            and (self.ours is None or self.ours == finding.ours)
            and (self.upstream is None or self.upstream == finding.upstream)
        )


def load_accepted(path: Path) -> list[Accepted]:
    """Read an accepted-drift file: ``accepted: [{operation, reason, kind?, ours?, upstream?}, ...]``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"cannot read accepted-drift file {str(path)!r}: {exc.strerror or exc}") from None
    data = load_yaml(text, str(path))
    entries = data.get("accepted") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SpecError(f"{path}: needs a list 'accepted:' of entries with 'operation', 'reason' and 'ours' or 'upstream'")
    return [_entry(path, i, entry) for i, entry in enumerate(entries)]


def _entry(path: Path, index: int, entry: Any) -> Accepted:
    where = f"{path}: accepted[{index}]"
    if not isinstance(entry, dict):
        raise SpecError(f"{where}: must be a mapping with 'operation', 'reason' and 'ours' or 'upstream'")
    unknown = sorted(set(map(str, entry)) - _ENTRY_KEYS)
    if unknown:
        raise SpecError(f"{where}: unknown field {unknown[0]!r} (use {', '.join(sorted(_ENTRY_KEYS))})")
    for field in ("operation", "reason"):
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            raise SpecError(f"{where}: '{field}' must be a non-empty string")
    if entry.get("ours") is None and entry.get("upstream") is None:
        raise SpecError(f"{where}: give 'ours' or 'upstream' (the JSON path the finding names)")
    for field in ("kind", "ours", "upstream"):
        if entry.get(field) is not None and not isinstance(entry[field], str):
            raise SpecError(f"{where}: '{field}' must be a string")
    return Accepted(entry["operation"], " ".join(entry["reason"].split()), entry.get("kind"), entry.get("ours"), entry.get("upstream"))


def apply_accepted(report: Report, accepted: list[Accepted]) -> list[Accepted]:
    """Mark the findings that an entry covers; return the entries that matched nothing (stale)."""
    used: set[int] = set()
    for i, finding in enumerate(report.findings):
        for j, entry in enumerate(accepted):
            if entry.matches(finding):
                report.findings[i] = dataclasses.replace(finding, accepted=entry.reason)
                used.add(j)
                break
    return [entry for j, entry in enumerate(accepted) if j not in used]


def summary(report: Report) -> dict[str, int]:
    counts = {severity: report.count(severity) for severity in SEVERITIES}
    counts["accepted"] = sum(1 for f in report.findings if f.accepted is not None)
    return counts


def render_json(report: Report, accepted_file: str | None, stale: list[Accepted], exit_code: int, quiet: bool = False) -> str:
    """The whole report as JSON (``quiet`` changes nothing: a machine wants every finding)."""
    payload = {
        "ours": report.ours,
        "upstream": report.upstream,
        "accepted_file": accepted_file,
        "operations": {"ours": report.operations, "matched": report.matched, "upstream": report.upstream_operations},
        "summary": summary(report),
        "findings": [f.as_dict() for f in report.findings],
        "stale_accepted": [dataclasses.asdict(entry) for entry in stale],
        "exit_code": exit_code,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_text(report: Report, accepted_file: str | None, stale: list[Accepted], exit_code: int, quiet: bool = False) -> str:
    """A readable report grouped by operation; ``quiet`` lists only breaking findings (accepted or not)."""
    counts = summary(report)
    lines = [
        f"spec drift: {report.ours} vs {report.upstream}",
        f"operations: {report.operations} of ours, {report.matched} matched upstream ({report.upstream_operations} upstream)",
        "findings: "
        + ", ".join(f"{counts[key]} {key}" for key in (*SEVERITIES, "accepted"))
        + (f" (accepted drift: {accepted_file})" if accepted_file else ""),
    ]
    by_operation: dict[tuple[str, str], list[Finding]] = {}
    for finding in report.findings:
        if quiet and finding.severity != BREAKING:
            continue
        by_operation.setdefault((finding.operation, finding.label), []).append(finding)
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    for (operation, label), findings in by_operation.items():
        lines += ["", operation if operation == label else f"{operation} ({label})"]
        for f in sorted(findings, key=lambda f: (order[f.severity], f.accepted is not None)):
            note = " (accepted)" if f.accepted is not None else ""
            lines.append(f"  {f.severity:<9} {f.message} [{f.kind}]{note}")
            lines.append(f"            ours:     {f.ours or '-'}")
            lines.append(f"            upstream: {f.upstream or '-'}")
            if f.accepted is not None:
                lines.append(f"            reason:   {f.accepted}")
    for entry in stale:
        lines += [
            "",
            f"stale accepted drift (matches nothing; remove it): {entry.operation} {entry.kind or ''} {entry.ours or entry.upstream}",
        ]
    verdict = "breaking drift" if exit_code == 1 else "no breaking drift"
    lines += ["", f"result: {verdict} (exit {exit_code})"]
    return "\n".join(lines) + "\n"
