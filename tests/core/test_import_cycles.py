"""The runtime modules of anytoken import each other without a cycle, counting every import: module level,
under ``TYPE_CHECKING`` and inside functions (``anytoken.devkit``, the tooling, is left out)."""

from __future__ import annotations

import ast
from pathlib import Path

import anytoken

ROOT = Path(anytoken.__file__).parent


def runtime_modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if name != "anytoken.devkit" and not name.startswith("anytoken.devkit."):
            found[name] = path
    return found


def imported(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The runtime modules ``module`` imports. ``from . import sub`` is an edge to ``sub`` only (the package is
    already importing); ``from .pkg import name`` is an edge to ``pkg`` (its ``__init__`` runs) and to
    ``pkg.name`` when that is a module."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            subs = {f"{prefix}.{a.name}" for a in node.names} & modules.keys()
            if node.module or len(subs) < len(node.names):
                out.add(prefix)
            out.update(subs)
    return (out & modules.keys()) - {module}


def import_graph() -> dict[str, set[str]]:
    modules = runtime_modules()
    return {name: imported(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (``a -> b -> ... -> a``) or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state and (cycle := visit(dep)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    assert "anytoken.devkit" not in graph and "anytoken.client" in graph
    assert "anytoken._http_session" in graph["anytoken.tokens"]  # under TYPE_CHECKING
    assert "anytoken._http" in graph["anytoken.client"]  # inside a function
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_runtime_modules_import_without_a_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
