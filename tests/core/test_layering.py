"""The layers of docs/architecture.md, enforced on the import graph.

Every module under ``src/`` is parsed with :mod:`ast` and every import is read: top level, under
``TYPE_CHECKING``, inside functions. A runtime module (``anytoken.*`` outside ``anytoken.devkit``) never imports
the tooling (``anytoken.devkit``, the ``anytoken_pytest`` plugin), a plugin, a generated client, the scripts or
the benchmarks; the pytest plugin imports no ``anytoken`` module when pytest loads it; generated clients import no
anytoken module. Two subprocess checks pin what actually loads: the pytest plugin loads nothing heavy, and loading
every installed provider plugin loads no tooling.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"

TOOLING = ("anytoken.devkit", "anytoken_pytest")
#: what no runtime module may import, with the layer's name (docs/architecture.md, "Layers")
FORBIDDEN_FOR_RUNTIME = {
    "anytoken.devkit": "devkit/tooling",
    "anytoken_pytest": "devkit/tooling (the pytest plugin)",
    "scripts": "scripts",
    "bench": "bench",
    "_pipeline": "scripts",
}
#: modules the pytest plugin must not load when pytest starts (anytoken/__init__ and what it pulls in)
HEAVY = ("anytoken", "httpx", "httpcore", "attrs", "pluggy", "anyio", "h11", "cryptography", "yaml", "hypothesis", "jsonschema")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_tooling(module: str) -> bool:
    return any(module == t or module.startswith(t + ".") for t in TOOLING)


def imports(path: Path) -> Iterator[tuple[int, str, bool]]:
    """(line, absolute module imported, at module level?) for every import in ``path``; relative imports resolved."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    nested: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            nested.update(id(n) for n in ast.walk(node) if n is not node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            nested.update(id(n) for child in node.body for n in ast.walk(child))
    for node in ast.walk(tree):
        top = id(node) not in nested
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, top
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target, top
            for alias in node.names:  # `from anytoken import devkit` imports the subpackage
                yield node.lineno, f"{target}.{alias.name}", top


def source_modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def runtime_violations(paths: list[Path]) -> list[str]:
    """One line per offending import: ``path:line: runtime module M imports T (layer)``."""
    problems: dict[tuple[Path, int], str] = {}
    for path in paths:
        if is_tooling(module_name(path)):
            continue
        for line, target, _top in imports(path):
            head = target.split(".")[0]
            layer = next((lay for f, lay in FORBIDDEN_FOR_RUNTIME.items() if target == f or target.startswith(f + ".")), None)
            if layer is None and head.startswith("anytoken_"):
                layer = "a plugin or a generated client"
            if layer is not None:
                problems.setdefault(
                    (path, line), f"{path.relative_to(ROOT)}:{line}: runtime module {module_name(path)} imports {target} ({layer})"
                )
    return list(problems.values())


def test_sources_are_found_and_classified() -> None:
    names = {module_name(p) for p in source_modules()}
    assert {"anytoken", "anytoken.client", "anytoken.hookspecs", "anytoken.cli", "anytoken.devkit.sandbox", "anytoken_pytest"} <= names
    assert is_tooling("anytoken.devkit.sandbox._sandbox") and is_tooling("anytoken_pytest._required")
    assert not is_tooling("anytoken.cli") and not is_tooling("anytoken.devkitten")


def test_runtime_never_imports_the_tooling() -> None:
    """Not at import time, not under TYPE_CHECKING, not lazily inside a function."""
    problems = runtime_violations(source_modules())
    assert not problems, "\n".join(problems)


def test_the_checker_sees_every_kind_of_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "anytoken"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "bad.py").write_text(
        textwrap.dedent("""
        from typing import TYPE_CHECKING
        from . import devkit
        if TYPE_CHECKING:
            from .devkit.sandbox import Sandbox
        def f():
            import anytoken_pytest
            from anytoken_telnyx import plugin
        """)
    )
    monkeypatch.setattr(sys.modules[__name__], "SRC", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    problems = runtime_violations(sorted(tmp_path.rglob("*.py")))
    assert [p.split(": ", 1)[0] for p in problems] == ["anytoken/bad.py:3", "anytoken/bad.py:5", "anytoken/bad.py:7", "anytoken/bad.py:8"]


def test_the_pytest_plugin_imports_no_anytoken_module_at_load() -> None:
    """pytest loads anytoken_pytest in every session: anytoken (and the devkit) only inside fixtures."""
    problems = []
    for path in sorted((SRC / "anytoken_pytest").rglob("*.py")):
        for line, target, top in imports(path):
            if top and (target == "anytoken" or target.startswith("anytoken.")):
                problems.append(f"{path.relative_to(ROOT)}:{line}: imports {target} at load time")
    assert not problems, "\n".join(problems)


def test_generated_clients_import_no_anytoken_module() -> None:
    problems = []
    for path in sorted((ROOT / "generated").glob("*/anytoken_*_client/**/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            problems += [
                f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}: {n}"
                for n in names
                if n.split(".")[0] == "anytoken" or n.startswith("anytoken.")
            ]
    assert not problems, "\n".join(problems)


def _loaded_after(code: str) -> list[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.splitlines()[-1]))


def test_the_pytest_plugin_loads_nothing_heavy() -> None:
    """What pytest pays at start-up for the ``anytoken`` pytest11 entry point: pytest is loaded anyway."""
    before = set(_loaded_after("import pytest"))
    loaded = set(_loaded_after("import pytest, anytoken_pytest")) - before
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert not heavy, f"importing anytoken_pytest loads {heavy}"
    assert {m for m in loaded if m.startswith("anytoken")} == {"anytoken_pytest", "anytoken_pytest._required"}


def test_the_pytest11_entry_point_is_the_lean_plugin() -> None:
    from anytoken._entry_points import scan

    assert [ep.value for ep in scan("pytest11") if ep.distribution == "anytoken"] == ["anytoken_pytest"]


def test_loading_every_provider_plugin_loads_no_tooling() -> None:
    """The runtime path of a plugin (its entry-point object and declarations) imports no devkit module."""
    loaded = _loaded_after(
        "import anytoken\n"
        "from anytoken.plugins import Registry\n"
        "registry = Registry(environ={})\n"
        "assert [r for r in registry.load_all() if r.status == 'loaded'], 'no plugin loaded'\n"
        "anytoken.list_providers()\n"
    )
    tooling = sorted(m for m in loaded if is_tooling(m))
    assert not tooling, f"the runtime loaded {tooling}"


#: the plugin toolkit: what plugins import to be written; the core below it never imports it
TOOLKIT = ("anytoken.provider",)


def core_to_toolkit_edges(paths: list[Path]) -> list[str]:
    out = []
    for path in paths:
        module = module_name(path)
        if is_tooling(module) or module in TOOLKIT or not module.startswith("anytoken"):
            continue
        for line, target, _top in imports(path):
            if any(target == t or target.startswith(t + ".") for t in TOOLKIT):
                out.append(f"{path.relative_to(ROOT)}:{line}: runtime core module {module} imports the plugin toolkit {target}")
    return out


def test_the_runtime_core_never_imports_the_plugin_toolkit() -> None:
    """The toolkit sits above the core (docs/architecture.md): core modules share lower modules (``_context``,
    ``_plugin_kit``) with it instead."""
    problems = core_to_toolkit_edges(source_modules())
    assert not problems, "\n".join(problems)


#: the Client's collaborators (docs/architecture.md, "The call surface"): each is given what it uses, so none
#: reaches back to the Client or to the module-level API
COMPOSED = ("anytoken._prepare", "anytoken._minting", "anytoken._revoke", "anytoken.cache._front", "anytoken._call")
ABOVE_THEM = ("anytoken.client", "anytoken.api", "anytoken")


def back_edges(paths: list[Path]) -> list[str]:
    out = []
    for path in paths:
        module = module_name(path)
        if module not in COMPOSED:
            continue
        for line, target, _top in imports(path):
            if target in ABOVE_THEM or target.startswith(("anytoken.client.", "anytoken.api.")):
                out.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {target}, the layer that composes it")
    return out


def test_the_clients_collaborators_never_import_the_client() -> None:
    assert {module_name(p) for p in source_modules()} >= set(COMPOSED)
    problems = back_edges(source_modules())
    assert not problems, "\n".join(problems)
