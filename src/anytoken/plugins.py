"""Finding, loading and isolating plugins.

Plugins are found through the entry-point group ``anytoken``: the entry point's *name* is the provider
name it serves and its value the plugin object (``module`` or ``module:attr``), e.g.::

    [project.entry-points.anytoken]
    telnyx = "anytoken_telnyx.plugin"

Reading entry points imports nothing, so the registry knows which distribution serves which provider
before any plugin code runs, and imports only the plugin asked for. A plugin that fails to import, to
declare, or declares a malformed provider is recorded as *broken* (with a warning) and does not affect
the others; ``ANYTOKEN_STRICT_PLUGINS=1`` (or ``strict=True``) turns that into an error.

Two distributions declaring one provider name never fight silently: using that provider raises
:class:`~anytoken.errors.ProviderConflictError` until the user chooses one (``ANYTOKEN_PROVIDER_<NAME>``
or ``Client(plugins={name: distribution})``). The names of the built-in providers are reserved for their
own distributions: another distribution must be chosen explicitly to serve them.

Environment: ``ANYTOKEN_PLUGINS`` (comma-separated allow-list of provider or distribution names),
``ANYTOKEN_DISABLE_PLUGINS`` (``1`` turns entry-point loading off: only plugins registered in code),
``ANYTOKEN_STRICT_PLUGINS``, ``ANYTOKEN_PROVIDER_<NAME>``. They are read from the mapping the registry is
given (``Client(env=...)``: :func:`registry_for`), ``os.environ`` otherwise. Each distinct selection
(:class:`Selection`) gets one registry, cached; the process-wide :func:`default_registry` serves every
client whose environment selects what it does.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, cast

import attrs
import pluggy

from . import hookspecs
from ._dispatch import FirstResult
from .declarations import ProviderInfo
from .errors import AnytokenError, PluginError, ProviderConflictError, UnknownProviderError

if TYPE_CHECKING:
    from ._entry_points import FoundEntryPoint as EntryPoint

__all__ = ["BUILTIN_PROVIDERS", "AnytokenPluginWarning", "PluginRecord", "Registry", "Selection", "default_registry", "registry_for"]

ENTRY_POINT_GROUP = "anytoken"

#: Built-in provider names and the only distributions allowed to serve them without explicit choice.
BUILTIN_PROVIDERS: Mapping[str, str] = {
    "auth0": "anytoken-oauth2",
    "clerk": "anytoken-clerk",
    "entra": "anytoken-oauth2",
    "google": "anytoken-oauth2",
    "keycloak": "anytoken-oauth2",
    "oauth2": "anytoken-oauth2",
    "okta": "anytoken-oauth2",
    "quadrata": "anytoken-quadrata",
    "qrvey": "anytoken-qrvey",
    "telnyx": "anytoken-telnyx",
    "unleash": "anytoken-unleash",
}

Status = Literal["available", "loaded", "broken", "conflict", "disabled"]


class AnytokenPluginWarning(UserWarning):
    """A plugin is broken or conflicting; it was skipped."""


@attrs.define
class PluginRecord:
    """One provider name as some distribution offers it."""

    provider: str
    distribution: str | None
    version: str | None
    value: str
    entry_point: EntryPoint | None = attrs.field(default=None, repr=False)
    plugin: Any = attrs.field(default=None, repr=False)
    info: ProviderInfo | None = attrs.field(default=None, repr=False)
    status: Status = "available"
    error: str | None = None


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _norm(name: str) -> str:
    return name.strip().lower().replace("_", "-")


_CHOICE_PREFIX = "ANYTOKEN_PROVIDER_"


@attrs.frozen
class Selection:
    """Which plugins a registry may load: everything the environment variables above decide (hashable)."""

    use_entry_points: bool = True
    allow: frozenset[str] | None = None
    strict: bool = False
    choices: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        entry_points: bool | None = None,
        allow: Iterable[str] | None = None,
        choices: Mapping[str, str] | None = None,
        strict: bool | None = None,
    ) -> Selection:
        """The selection of ``environ`` (default ``os.environ``); explicit arguments win over variables."""
        env = os.environ if environ is None else environ
        use_eps = (not _truthy(env.get("ANYTOKEN_DISABLE_PLUGINS"))) if entry_points is None else entry_points
        allow_env = env.get("ANYTOKEN_PLUGINS")
        if allow is None and allow_env is not None:
            allow = [a for a in allow_env.split(",") if a.strip()]
        chosen = {k[len(_CHOICE_PREFIX) :].lower().replace("_", "-"): v for k, v in env.items() if k.startswith(_CHOICE_PREFIX) and v}
        chosen.update(choices or {})
        return cls(
            use_eps,
            None if allow is None else frozenset(_norm(a) for a in allow),
            _truthy(env.get("ANYTOKEN_STRICT_PLUGINS")) if strict is None else strict,
            frozenset(chosen.items()),
        )


class Registry:
    """Which plugins exist, which are loaded, and which plugin serves each provider.

    Thread-safe: loading happens under a lock, lookups of loaded providers are lock-free dict reads.
    """

    def __init__(
        self,
        *,
        entry_points: bool | None = None,
        allow: Iterable[str] | None = None,
        choices: Mapping[str, str] | None = None,
        strict: bool | None = None,
        environ: Mapping[str, str] | None = None,
        selection: Selection | None = None,
    ) -> None:
        if selection is None:
            selection = Selection.from_env(environ, entry_points=entry_points, allow=allow, choices=choices, strict=strict)
        self.selection = selection
        self.use_entry_points = selection.use_entry_points
        self.allow: frozenset[str] | None = selection.allow
        self.strict = selection.strict
        self.choices: dict[str, str] = dict(selection.choices)
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self._untraced = getattr(self.pm, "_inner_hookexec", None)  # pluggy's _multicall until tracing wraps it
        self._lock = threading.RLock()
        self._records: dict[str, list[PluginRecord]] | None = None
        self._resolved: dict[str, PluginRecord] = {}
        self._explicit: dict[str, PluginRecord] = {}
        self._callers: dict[str, tuple[Any, Any]] = {}
        self._hook_callers: dict[tuple[str, str], Any] = {}

    # -- discovery ----------------------------------------------------------------------------------

    def records(self) -> dict[str, list[PluginRecord]]:
        """Provider name -> the records offering it (entry points read once, nothing imported)."""
        if self._records is None:
            with self._lock:
                if self._records is None:
                    self._records = self._scan()
        return self._records

    def _scan(self) -> dict[str, list[PluginRecord]]:
        records: dict[str, list[PluginRecord]] = {}
        if not self.use_entry_points:
            return records
        from ._entry_points import scan

        seen: set[tuple[str, str | None]] = set()
        for ep in scan(ENTRY_POINT_GROUP):
            dist, version = ep.distribution, ep.version
            name = ep.name.strip().lower()
            if (name, dist) in seen:  # the same distribution found twice on sys.path
                continue
            seen.add((name, dist))
            rec = PluginRecord(name, dist, version, ep.value, ep)
            if self.allow is not None and _norm(name) not in self.allow and _norm(dist or "") not in self.allow:
                rec.status = "disabled"
                rec.error = "not in ANYTOKEN_PLUGINS"
            records.setdefault(name, []).append(rec)
        return records

    def names(self) -> list[str]:
        """Every provider name that is installed and allowed, loaded or not."""
        names = {n for n, recs in self.records().items() if any(r.status != "disabled" for r in recs)}
        return sorted(names | set(self._explicit))

    # -- registration in code ---------------------------------------------------------------------

    def register(self, plugin: object, *, name: str | None = None, distribution: str | None = None) -> list[ProviderInfo]:
        """Register a plugin object from code (an explicit user choice: it wins over entry points)."""
        with self._lock:
            infos = self._load_object(plugin, name or _plugin_name(plugin), distribution, expected=None)
            for info in infos:
                rec = PluginRecord(info.name, distribution, None, name or _plugin_name(plugin), None, plugin, info, "loaded")
                self._explicit[info.name] = rec
                self._resolved[info.name] = rec
            self._callers.clear()
            self._hook_callers.clear()
            return infos

    # -- resolution ---------------------------------------------------------------------------------

    def record(self, provider: str) -> PluginRecord:
        """The loaded record serving ``provider``: raises Unknown/Conflict/Plugin errors."""
        rec = self._resolved.get(provider)
        if rec is not None:
            return rec
        with self._lock:
            rec = self._resolved.get(provider)
            if rec is None:
                rec = self._resolve(provider)
                self._resolved[provider] = rec
            return rec

    def provider(self, provider: str) -> ProviderInfo:
        rec = self.record(provider)
        assert rec.info is not None
        return rec.info

    def _resolve(self, provider: str) -> PluginRecord:
        if not isinstance(provider, str) or provider not in self.records():
            raise UnknownProviderError(str(provider), self.names(), known=BUILTIN_PROVIDERS)
        candidates = [r for r in self.records()[provider] if r.status != "disabled"]
        if not candidates:
            raise UnknownProviderError(provider, self.names(), disabled=True)
        chosen = self.choices.get(provider)
        if chosen is not None:
            picked = [r for r in candidates if _norm(r.distribution or "") == _norm(chosen)]
            if not picked:
                offered = ", ".join(r.distribution or "?" for r in candidates)
                raise PluginError(
                    f"ANYTOKEN_PROVIDER_{provider.upper().replace('-', '_')} chooses distribution {chosen!r} "
                    f"for {provider!r}, but it is not installed (offered by: {offered})"
                )
            candidates = picked[:1]
        else:
            owner = BUILTIN_PROVIDERS.get(provider)
            intruders = [r for r in candidates if owner is not None and _norm(r.distribution or "") != owner]
            if len(candidates) > 1 or intruders:
                for r in candidates:
                    r.status = "conflict"
                dists = [r.distribution or "?" for r in candidates]
                if len(dists) == 1:
                    dists.append(f"{owner} (built-in name)")
                raise ProviderConflictError(provider, dists)
        rec = candidates[0]
        self._load_record(rec)
        return rec

    def _load_record(self, rec: PluginRecord) -> None:
        if rec.status == "broken":
            raise PluginError(
                f"plugin for {rec.provider!r} is broken: {rec.error}",
                plugin=rec.value,
                distribution=rec.distribution,
                provider=rec.provider,
            )
        if rec.status == "loaded":
            return
        plugin: object = None
        try:
            assert rec.entry_point is not None
            plugin = self._import(rec)
            infos = self._load_object(plugin, rec.value, rec.distribution, expected=rec.provider)
            info = next((i for i in infos if i.name == rec.provider), None)
            if info is None:
                raise PluginError(
                    f"entry point {rec.provider!r} points to a plugin that does not declare provider {rec.provider!r}",
                    plugin=rec.value,
                    distribution=rec.distribution,
                )
        except AnytokenError as exc:
            self._broken(rec, exc)
            # a broken plugin must not stay registered: its hooks would see other providers' requests
            shared = any(o.plugin is plugin for o in self._loaded() if o is not rec)
            if plugin is not None and not shared and self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
                self._callers.clear()
                self._hook_callers.clear()
            raise
        rec.plugin, rec.info, rec.status = plugin, info, "loaded"
        self._callers.clear()
        self._hook_callers.clear()

    def _import(self, rec: PluginRecord) -> object:
        # several entry points (one per provider) may name the same object: register it once
        for other in self._all_records():
            if other is not rec and other.value == rec.value and other.plugin is not None:
                return other.plugin
        assert rec.entry_point is not None
        try:
            return rec.entry_point.load()
        except Exception as exc:  # an import of third-party code can fail any way
            raise PluginError(
                f"plugin for {rec.provider!r} failed to import: {type(exc).__name__}: {exc}",
                plugin=rec.value,
                distribution=rec.distribution,
                provider=rec.provider,
            ) from exc

    def _load_object(self, plugin: object, name: str, distribution: str | None, expected: str | None) -> list[ProviderInfo]:
        if self.pm.is_registered(plugin):
            return self._declarations(plugin, name, distribution)
        try:
            self.pm.register(plugin, name=f"{distribution or 'local'}:{name}")
            self.pm.check_pending()
        except Exception as exc:
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            raise PluginError(
                f"plugin {name!r} has invalid hooks: {exc}", plugin=name, distribution=distribution, provider=expected
            ) from exc
        try:
            return self._declarations(plugin, name, distribution)
        except PluginError:
            self.pm.unregister(plugin)
            raise

    def _declarations(self, plugin: object, name: str, distribution: str | None) -> list[ProviderInfo]:
        infos: list[ProviderInfo] = []
        for impl in self.pm.hook.anytoken_providers.get_hookimpls():
            if impl.plugin is not plugin:
                continue
            try:
                declared: list[object] = list(cast("Iterable[object]", impl.function()))
            except Exception as exc:
                raise PluginError(
                    f"anytoken_providers() raised {type(exc).__name__}: {exc}", plugin=name, distribution=distribution
                ) from exc
            for info in declared:
                if not isinstance(info, ProviderInfo):
                    raise PluginError(
                        f"anytoken_providers() returned {type(info).__name__}, not ProviderInfo", plugin=name, distribution=distribution
                    )
                try:
                    info.check()
                except PluginError as exc:
                    raise PluginError(exc.message, plugin=name, distribution=distribution) from None
                infos.append(info)
        return infos

    def _broken(self, rec: PluginRecord, exc: AnytokenError) -> None:
        rec.status = "broken"
        rec.error = exc.message
        if self.strict:
            return
        warnings.warn(f"anytoken: {exc}", AnytokenPluginWarning, stacklevel=4)

    def _all_records(self) -> Iterable[PluginRecord]:
        for recs in self.records().values():
            yield from recs

    # -- dispatch -----------------------------------------------------------------------------------

    def callers(self, provider: str) -> tuple[Any, Any]:
        """(create_token, acreate_token) hook callers that reach the provider's own plugin and any
        non-provider plugins (wrappers, auditors), but no other provider's plugin."""
        callers = self._callers.get(provider)
        if callers is None:
            rec = self.record(provider)
            others = [r.plugin for r in self._loaded() if r.plugin is not None and r.plugin is not rec.plugin]
            callers = (
                FirstResult(self.pm, "create_token", others, self._untraced),
                FirstResult(self.pm, "acreate_token", others, self._untraced),
            )
            self._callers[provider] = callers
        return callers

    def hook_caller(self, provider: str, hook: str) -> Any:
        """The caller of any ``firstresult`` hook (``revoke_token`` ...) restricted like :meth:`callers`."""
        caller = self._hook_callers.get((provider, hook))
        if caller is None:
            rec = self.record(provider)
            others = [r.plugin for r in self._loaded() if r.plugin is not None and r.plugin is not rec.plugin]
            caller = FirstResult(self.pm, hook, others, self._untraced)
            self._hook_callers[(provider, hook)] = caller
        return caller

    def _loaded(self) -> list[PluginRecord]:
        out = [r for r in self._all_records() if r.status == "loaded"]
        out.extend(self._explicit.values())
        return out

    def plugin_of(self, provider: str) -> PluginRecord | None:
        return self._resolved.get(provider)

    # -- listing ------------------------------------------------------------------------------------

    def load_all(self) -> list[PluginRecord]:
        """Load every allowed plugin (for listings and the tooling's hooks), isolating failures."""
        out: list[PluginRecord] = []
        for name in sorted(self.records()):
            if all(r.status == "disabled" for r in self.records()[name]):
                out.extend(self.records()[name])  # not allowed: listed, never loaded (nor an error in strict mode)
                continue
            try:
                self.record(name)
            except (PluginError, ProviderConflictError, UnknownProviderError) as exc:
                if self.strict:
                    raise
                if isinstance(exc, ProviderConflictError):
                    for r in self.records()[name]:
                        r.error = exc.message
            out.extend(self.records()[name])
        out.extend(r for r in self._explicit.values() if r not in out)
        return out

    def providers(self) -> list[ProviderInfo]:
        """Declarations of every usable provider (loads them)."""
        return [r.info for r in self.load_all() if r.status == "loaded" and r.info is not None and self._resolved.get(r.provider) is r]


def _plugin_name(plugin: object) -> str:
    return getattr(plugin, "__name__", None) or type(plugin).__name__


_default: Registry | None = None
_default_lock = threading.Lock()


def default_registry() -> Registry:
    """The process-wide registry used by the module-level API (its selection read from ``os.environ`` once)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Registry()
    return _default


_MAX_REGISTRIES = 32
_registries: OrderedDict[Selection, Registry] = OrderedDict()


def registry_for(environ: Mapping[str, str] | None = None, *, choices: Mapping[str, str] | None = None) -> Registry:
    """The registry for the plugin selection of ``environ`` (default ``os.environ``) and ``choices``.

    :func:`default_registry` when the selection is the same as its own; otherwise one registry per distinct
    selection, kept in a small LRU cache (an evicted registry stays valid for the clients holding it).
    Plugins registered in code on one registry are not seen by the others.
    """
    selection = Selection.from_env(environ, choices=choices)
    default = default_registry()
    if selection == default.selection:
        return default
    with _default_lock:
        registry = _registries.get(selection)
        if registry is None:
            registry = _registries[selection] = Registry(selection=selection)
            while len(_registries) > _MAX_REGISTRIES:
                _registries.popitem(last=False)
        else:
            _registries.move_to_end(selection)
        return registry


Registry.default = staticmethod(default_registry)  # type: ignore[attr-defined]
