"""Guard tests (datasette's model): every hook is documented in docs/hooks.md and exercised by a test."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from anytoken import hookspecs
from anytoken.devkit import hookspecs as devkit_hookspecs

ROOT = Path(__file__).resolve().parents[2]
SPECS = {
    name: fn
    for module in (hookspecs, devkit_hookspecs)
    for name, fn in vars(module).items()
    if inspect.isfunction(fn) and hasattr(fn, "anytoken_spec")
}
HOOKS = sorted(SPECS)


def test_hooks_found() -> None:
    assert {"anytoken_providers", "create_token", "acreate_token", "anytoken_audit"} <= set(vars(hookspecs))
    assert "anytoken_sandbox_providers" not in vars(hookspecs)  # a tooling hook: the devkit specifies it
    assert {"anytoken_sandbox_providers"} <= set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook: str) -> None:
    assert f"## `{hook}(" in (ROOT / "docs" / "hooks.md").read_text()


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_docstring_with_params(hook: str) -> None:
    doc = inspect.getdoc(SPECS[hook]) or ""
    assert doc, hook
    if inspect.signature(SPECS[hook]).parameters:
        assert ":param" in doc, hook


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_tested(hook: str) -> None:
    sources = [
        p.read_text()
        for p in [*(ROOT / "tests").rglob("test_*.py"), *(ROOT / "plugins").rglob("test_*.py")]
        if p.name != Path(__file__).name
    ]
    assert any(hook in text for text in sources), f"no test mentions {hook}"
