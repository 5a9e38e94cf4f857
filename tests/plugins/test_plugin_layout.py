"""Every built-in plugin's tests follow one naming template (docs/plugins.md, "Layout of a plugin").

``tests/test_<p>_<role>.py`` where ``<role>`` is one of :data:`ROLES`; ``plugin``, ``conformance`` and ``spec`` are
required. A plugin that adds a test file of another role must add the role here (and to the docs) first.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").is_file())
#: role -> what the file checks
ROLES = {
    "plugin": "the plugin's own behaviour: declaration, parameter mapping, error mapping",
    "conformance": "anytoken.devkit.testing.ProviderConformance against the sandbox",
    "spec": "requests and answers against a spec: the provider's published one where there is one, ours otherwise",
    "answers_property": "anytoken.devkit.spec_fuzz: generated valid answers parse, nothing secret shows",
    "sandbox": "the emulation's own behaviour",
    "revoke": "revocation",
    "live": "the real server (marker of a required CI area)",
    "live_conformance": "ProviderLiveConformance against the real server",
}
REQUIRED = ("plugin", "conformance", "spec")


def test_the_built_in_plugins_are_all_found() -> None:
    names = {p.name for p in PLUGINS}
    assert {f"anytoken-{n}" for n in ("telnyx", "clerk", "quadrata", "qrvey", "unleash", "oauth2")} <= names, names


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_test_files_follow_the_template(plugin: Path) -> None:
    provider = plugin.name.removeprefix("anytoken-")
    pattern = re.compile(rf"test_{re.escape(provider)}_({'|'.join(ROLES)})\.py")
    files = sorted(f.name for f in (plugin / "tests").glob("test_*.py"))
    strays = [f for f in files if not pattern.fullmatch(f)]
    assert not strays, f"{plugin.name}: test files outside the template test_{provider}_<role>.py ({', '.join(ROLES)}): {strays}"
    missing = [f"test_{provider}_{role}.py" for role in REQUIRED if f"test_{provider}_{role}.py" not in files]
    assert not missing, f"{plugin.name}: missing {missing}"


# -- the module layout (docs/plugins.md, "Layout of a plugin") -----------------------------------------------

#: the public modules of every plugin package
REQUIRED_MODULES = ("__init__", "plugin", "sandbox")
#: a public module only a plugin serving several provider names has: its ``PRESETS``
PRESETS_MODULE = "presets"
_PRIVATE = re.compile(r"_[a-z][a-z0-9_]*")
_SANDBOX_HOOK = "anytoken_sandbox_providers"


def _package(plugin: Path) -> Path:
    return plugin / "src" / ("anytoken_" + plugin.name.removeprefix("anytoken-").replace("-", "_"))


def _modules(plugin: Path) -> dict[str, Path]:
    return {f.stem: f for f in sorted(_package(plugin).glob("*.py"))}


def _is_sandbox_module(name: str) -> bool:
    return name == "sandbox" or name.startswith("_sandbox_")


def _imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The local module names an import statement reaches (``.sandbox``, ``anytoken_x._sandbox_y``)."""
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[-1] for alias in node.names if alias.name.startswith("anytoken_")]
    base = node.module or ""
    if node.level == 0 and not base.startswith("anytoken_"):
        return []
    parts = base.split(".") if base else []
    names = [parts[-1]] if parts and (node.level or len(parts) > 1) else []
    return names + [alias.name for alias in node.names]  # ``from . import sandbox`` names the module itself


def _is_sandbox_hook(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for deco in function.decorator_list:
        if isinstance(deco, ast.Call) and any(
            k.arg == "specname" and isinstance(k.value, ast.Constant) and k.value.value == _SANDBOX_HOOK for k in deco.keywords
        ):
            return True
    return function.name == _SANDBOX_HOOK


def _sandbox_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, module) of every import of a sandbox module outside the sandbox hook implementation."""
    found: list[tuple[int, str]] = []

    def walk(node: ast.AST, in_hook: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                walk(child, in_hook or _is_sandbox_hook(child))
            elif isinstance(child, ast.Import | ast.ImportFrom):
                if not in_hook:
                    found.extend((child.lineno, m) for m in _imported_modules(child) if _is_sandbox_module(m))
            else:
                walk(child, in_hook)

    walk(tree, False)
    return found


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names.update(t.id for t in targets if isinstance(t, ast.Name))
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_modules_follow_the_layout(plugin: Path) -> None:
    modules = _modules(plugin)
    missing = [m for m in REQUIRED_MODULES if m not in modules]
    assert not missing, f"{plugin.name}: missing {[m + '.py' for m in missing]}"
    public = {m for m in modules if not m.startswith("_") and m not in REQUIRED_MODULES}
    assert public <= {PRESETS_MODULE}, (
        f"{plugin.name}: public modules outside the layout: {sorted(public)} (private helpers are _<what>.py)"
    )
    bad = [m for m in modules if m.startswith("_") and m != "__init__" and not _PRIVATE.fullmatch(m)]
    assert not bad, f"{plugin.name}: private modules must be _<snake_case>.py: {bad}"


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_init_is_thin(plugin: Path) -> None:
    tree = ast.parse(_modules(plugin)["__init__"].read_text())
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.Assign | ast.AnnAssign) and ast.unparse(node).startswith("__all__"):
            continue
        raise AssertionError(
            f"{plugin.name}: __init__.py must stay thin (docstring and __all__), found line {node.lineno}: {ast.unparse(node)[:80]}"
        )


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_only_the_sandbox_hook_imports_the_sandbox(plugin: Path) -> None:
    """Runtime modules never import ``sandbox.py`` / ``_sandbox_*.py``; the sandbox hook in plugin.py does, when called."""
    for name, path in _modules(plugin).items():
        if _is_sandbox_module(name):
            continue
        strays = _sandbox_imports(ast.parse(path.read_text()))
        assert not strays, f"{plugin.name}: {name}.py imports sandbox modules outside the {_SANDBOX_HOOK} hook: {strays}"
    hooks = [
        node.name
        for node in ast.walk(ast.parse(_modules(plugin)["plugin"].read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_sandbox_hook(node)
    ]
    assert len(hooks) == 1, f"{plugin.name}: plugin.py must implement {_SANDBOX_HOOK} exactly once, found {hooks}"


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_the_declaration_is_a_module_level_value(plugin: Path) -> None:
    from anytoken.declarations import ProviderInfo

    provider = plugin.name.removeprefix("anytoken-")
    package = _package(plugin).name
    assert "DECLARATION" in _top_level_names(ast.parse(_modules(plugin)["plugin"].read_text())), (
        f"{plugin.name}: plugin.py must bind DECLARATION at module level"
    )
    module = importlib.import_module(f"{package}.plugin")
    declaration = module.DECLARATION
    assert isinstance(declaration, ProviderInfo) and declaration.name == provider
    expected: list[Any] = [declaration]
    if PRESETS_MODULE in _modules(plugin):
        presets = importlib.import_module(f"{package}.{PRESETS_MODULE}").PRESETS
        assert presets, f"{plugin.name}: presets.py declares no PRESETS"
        for name, preset in presets.items():
            assert isinstance(preset.declaration, ProviderInfo) and preset.declaration.name == name
            expected.append(preset.declaration)
        assert tuple(expected) == module.DECLARATIONS
    obj = module.plugin
    for _ in range(2):  # never rebuilt per call: the hook hands out the module-level values themselves
        declared = list(obj.anytoken_providers())
        assert len(declared) == len(expected) and all(a is b for a, b in zip(declared, expected, strict=True)), plugin.name
        assert obj.declare() is declaration
