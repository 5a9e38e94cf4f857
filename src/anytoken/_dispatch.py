"""Calling a ``firstresult`` hook for one provider (:class:`FirstResult`, built by ``Registry.callers``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pluggy

__all__ = ["FirstResult"]


class FirstResult:
    """The caller of one ``firstresult`` hook for one provider: pluggy's subset caller (every plugin but the
    other providers'), minus pluggy's per-call machinery when it would do nothing.

    When exactly one implementation remains, it is a plain one (no ``wrapper``/``hookwrapper``), it takes
    just ``request``, and no tracing or monitoring is installed on the plugin manager, the call goes straight
    to it: the same result (``None`` included) and the same exception as ``_multicall`` would give. Every
    call first compares the hook's implementations with those the plan was made from, so a plugin
    registered (or unregistered) at any time, through the registry or ``pm`` directly, is seen at once.
    """

    __slots__ = ("_direct", "_orig", "_pm", "_remove", "_snapshot", "_subset", "_untraced")

    def __init__(self, pm: pluggy.PluginManager, name: str, remove: Iterable[object], untraced: object) -> None:
        self._pm = pm
        self._orig = getattr(pm.hook, name)
        self._remove = set(remove)
        self._subset = pm.subset_hook_caller(name, self._remove)
        self._untraced = untraced  # the manager's hook executor before any tracing/monitoring (None: unknown)
        self._snapshot: list[Any] | None = None
        self._direct: Any = None

    def _plan(self, impls: list[Any]) -> None:
        mine = [i for i in impls if i.plugin not in self._remove]
        only = mine[0] if len(mine) == 1 else None
        plain = only is not None and not only.hookwrapper and not getattr(only, "wrapper", True) and tuple(only.argnames) == ("request",)
        self._direct = only.function if only is not None and plain and self._untraced is not None else None
        self._snapshot = impls

    def __call__(self, *, request: object) -> Any:
        impls = self._orig.get_hookimpls()
        if impls != self._snapshot:
            self._plan(impls)
        direct = self._direct
        if direct is None or getattr(self._pm, "_inner_hookexec", None) is not self._untraced:
            return self._subset(request=request)
        return direct(request)

    def get_hookimpls(self) -> list[Any]:
        return self._subset.get_hookimpls()
