"""Comparing, hashing and atomically replacing generated directory trees."""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import sys
from pathlib import Path

# Build and tool by-products that may appear in a generated client after it is
# installed or type-checked; they are never part of what the generator produces.
IGNORED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"})
IGNORED_SUFFIXES = (".pyc", ".pyo", ".egg-info")


def tree_files(root: Path) -> dict[str, Path]:
    """``{relative posix path: path}`` of every file under ``root``, skipping by-products."""
    files: dict[str, Path] = {}
    if not root.is_dir():
        return files
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS and not d.endswith(IGNORED_SUFFIXES))
        for name in filenames:
            if not name.endswith(IGNORED_SUFFIXES):
                path = Path(dirpath, name)
                files[path.relative_to(root).as_posix()] = path
    return files


def tree_digest(root: Path, exclude: frozenset[str] = frozenset()) -> str:
    """sha256 over the sorted relative paths and contents of a tree."""
    digest = hashlib.sha256()
    for rel, path in sorted(tree_files(root).items()):
        if rel in exclude:
            continue
        digest.update(rel.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def compare_trees(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ: ``missing``, ``unexpected`` or ``differs``."""
    want, have = tree_files(expected), tree_files(actual)
    problems = [f"{rel}: missing" for rel in sorted(want.keys() - have.keys())]
    problems += [f"{rel}: unexpected (not produced by the generator)" for rel in sorted(have.keys() - want.keys())]
    problems += [f"{rel}: differs" for rel in sorted(want.keys() & have.keys()) if want[rel].read_bytes() != have[rel].read_bytes()]
    return problems


def replace_tree(new: Path, target: Path) -> None:
    """Put ``new`` at ``target`` in one step; the old tree ends up at ``new``'s path.

    On Linux this is a single ``renameat2(RENAME_EXCHANGE)``, so readers see
    either the old tree or the new one, never a mix or nothing. Elsewhere it
    falls back to two renames (a brief window without ``target``). ``new`` and
    ``target`` must be on the same filesystem. The caller deletes ``new``
    afterwards (it then holds the old tree, or nothing).
    """
    if not target.exists():
        new.rename(target)
        return
    if _exchange(new, target):
        return
    parked = new.with_name(new.name + ".old")
    target.rename(parked)
    try:
        new.rename(target)
    except OSError:
        parked.rename(target)
        raise
    shutil.rmtree(new, ignore_errors=True)
    parked.rename(new)


def _exchange(a: Path, b: Path) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return int(result) == 0
