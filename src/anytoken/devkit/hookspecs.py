"""The tooling's hooks, kept out of the runtime's :mod:`anytoken.hookspecs` (pluggy project ``anytoken``).

A plugin that ships a sandbox emulation implements :func:`anytoken_sandbox_providers`, marked optional so that
the runtime registry (which never loads this module) accepts it::

    @hookimpl(specname="anytoken_sandbox_providers", optionalhook=True)
    def sandbox(self) -> Iterable[SandboxProvider]:
        from .sandbox import sandbox_provider  # emulation code is imported only when the sandbox asks

        return [sandbox_provider()]

The devkit adds this spec to a registry's plugin manager when it first needs the hook
(:func:`anytoken.devkit.sandbox.sandbox_providers`); pluggy then validates every implementation already
registered against it. See docs/hooks.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from anytoken.hookspecs import hookspec

if TYPE_CHECKING:
    from anytoken.devkit.sandbox.model import SandboxProvider

__all__ = ["anytoken_sandbox_providers"]


@hookspec
def anytoken_sandbox_providers() -> Iterable[SandboxProvider]:
    """Contribute routes (and seed data) to the local sandbox emulator.

    Import the emulation code inside the hookimpl so that normal calls never load it; mark the hookimpl
    ``optionalhook=True`` (the runtime registry does not know this spec).

    :return: one :class:`~anytoken.devkit.sandbox.SandboxProvider` per provider this plugin emulates.
    """
    raise NotImplementedError
