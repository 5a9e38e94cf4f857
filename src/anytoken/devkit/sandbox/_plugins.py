"""The sandbox emulations the installed plugins contribute (the devkit's ``anytoken_sandbox_providers`` hook)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import cast

from anytoken.devkit import hookspecs as devkit_hookspecs
from anytoken.devkit.sandbox.model import SandboxProvider
from anytoken.errors import PluginError
from anytoken.plugins import AnytokenPluginWarning, Registry, default_registry

__all__ = ["add_devkit_hookspecs", "sandbox_providers"]


def add_devkit_hookspecs(registry: Registry) -> None:
    """Add the devkit's hookspecs to ``registry``'s plugin manager (once); pluggy validates the hookimpls
    already registered (marked ``optionalhook``) against them."""
    caller = getattr(registry.pm.hook, "anytoken_sandbox_providers", None)
    if caller is None or not caller.has_spec():
        registry.pm.add_hookspecs(devkit_hookspecs)


def sandbox_providers(registry: Registry | None = None) -> list[SandboxProvider]:
    """Every loaded provider's sandbox emulation (broken contributions are skipped with a warning, or raise a
    :class:`~anytoken.errors.PluginError` when the registry is strict). ``registry`` defaults to the process's."""
    registry = default_registry() if registry is None else registry
    registry.load_all()
    add_devkit_hookspecs(registry)
    out: list[SandboxProvider] = []
    for impl in registry.pm.hook.anytoken_sandbox_providers.get_hookimpls():
        try:
            out.extend(cast("Iterable[SandboxProvider]", impl.function()))
        except Exception as exc:
            if registry.strict:
                raise PluginError(f"anytoken_sandbox_providers() raised {type(exc).__name__}: {exc}", plugin=impl.plugin_name) from exc
            warnings.warn(f"anytoken: sandbox routes of {impl.plugin_name} skipped: {exc}", AnytokenPluginWarning, stacklevel=2)
    return out
