"""Guard tests (datasette's model): every hook is documented in docs/hooks.md and exercised by a test."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from anytoken import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS = sorted(name for name, fn in vars(hookspecs).items() if inspect.isfunction(fn) and hasattr(fn, "anytoken_spec"))


def test_hooks_found() -> None:
    assert {"anytoken_providers", "create_token", "acreate_token", "anytoken_sandbox_providers", "anytoken_audit"} <= set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook: str) -> None:
    assert f"## `{hook}(" in (ROOT / "docs" / "hooks.md").read_text()


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_docstring_with_params(hook: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert doc, hook
    if inspect.signature(getattr(hookspecs, hook)).parameters:
        assert ":param" in doc, hook


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_tested(hook: str) -> None:
    sources = [
        p.read_text()
        for p in [*(ROOT / "tests").rglob("test_*.py"), *(ROOT / "plugins").rglob("test_*.py")]
        if p.name != Path(__file__).name
    ]
    assert any(hook in text for text in sources), f"no test mentions {hook}"
