"""A lean reader of installed entry points: ``*.dist-info/entry_points.txt`` on ``sys.path``.

``importlib.metadata`` costs ~20 ms to import (email, zipfile, csv ...) and then parses every distribution's
metadata; start-up is on the hot path of every CLI call, so anytoken reads just the files it needs: one
``entry_points.txt`` per distribution folder, found with ``os.scandir``. Like importlib.metadata, the first
folder on ``sys.path`` holding a distribution wins. Nothing is imported until :meth:`FoundEntryPoint.load`.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable

import attrs

__all__ = ["FoundEntryPoint", "scan"]


@attrs.frozen
class FoundEntryPoint:
    name: str
    value: str
    group: str
    distribution: str
    version: str | None
    path: str

    def load(self) -> object:
        """Import ``module`` (and resolve ``:attr.sub``) like importlib.metadata's EntryPoint.load."""
        module_name, _, attr = self.value.partition(":")
        obj: object = importlib.import_module(module_name.strip())
        for part in filter(None, attr.strip().split(".")):
            obj = getattr(obj, part)
        return obj


def _dist_name_version(folder: str) -> tuple[str, str | None]:
    stem = folder.rsplit(".", 1)[0]
    name, _, version = stem.partition("-")
    return name.replace("_", "-").replace(".", "-").lower(), (version or None)


def _parse(text: str, group: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    in_group = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line[0] == "[":
            in_group = line[1:-1].strip() == group
            continue
        if in_group and "=" in line:
            name, _, value = line.partition("=")
            value = value.split("[", 1)[0].strip()  # drop "[extras]"
            out.append((name.strip(), value))
    return out


def scan(group: str, paths: Iterable[str] | None = None) -> list[FoundEntryPoint]:
    """Every entry point of ``group`` among the distributions installed on ``paths`` (default sys.path)."""
    seen: set[str] = set()
    found: list[FoundEntryPoint] = []
    for entry in sys.path if paths is None else paths:
        try:
            with os.scandir(entry or ".") as it:
                folders = sorted(d.name for d in it if d.name.endswith((".dist-info", ".egg-info")))
        except OSError:  # not a directory (zip, missing)
            continue
        for folder in folders:
            dist, version = _dist_name_version(folder)
            if dist in seen:
                continue
            seen.add(dist)
            try:
                with open(os.path.join(entry or ".", folder, "entry_points.txt"), encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError):
                continue
            if f"[{group}]" not in text:
                continue
            for name, value in _parse(text, group):
                found.append(FoundEntryPoint(name, value, group, dist, version, os.path.join(entry or ".", folder)))
    return found
