"""Path routing: static paths by dict lookup, ``{param}`` templates by regex bucketed by segment count."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import attrs

from anytoken.devkit.sandbox.model import Route

__all__ = ["Entry", "Router", "join_path"]

_PARAM = re.compile(r"\{([^{}/]+)\}")


@attrs.frozen
class Entry:
    provider: str
    route: Route
    state: Any


def join_path(base: str, path: str) -> str:
    base = "/" + base.strip("/") if base.strip("/") else ""
    path = path if path.startswith("/") else "/" + path
    full = base + path
    return full.rstrip("/") or "/"


def _normalize(path: str) -> str:
    return path.rstrip("/") or "/"


class Router:
    def __init__(self) -> None:
        self._static: dict[str, dict[str, Entry]] = {}
        # segment count -> [(regex, param names, template, {method: entry})]
        self._dynamic: dict[int, list[tuple[re.Pattern[str], tuple[str, ...], str, dict[str, Entry]]]] = {}
        self.templates: list[tuple[str, str, Entry]] = []

    def add(self, base_path: str, entry: Entry) -> None:
        route = entry.route
        template = join_path(base_path, route.path)
        method = route.method.upper()
        self.templates.append((method, template, entry))
        names = tuple(_PARAM.findall(template))
        if not names:
            methods = self._static.setdefault(template, {})
            if method in methods:
                raise ValueError(f"two sandbox routes for {method} {template}")
            methods[method] = entry
            return
        pattern = "^" + "".join("([^/]+)" if i % 2 else re.escape(part) for i, part in enumerate(_PARAM.split(template))) + "$"
        bucket = self._dynamic.setdefault(template.count("/"), [])
        for _regex, _names, tmpl, methods in bucket:
            if tmpl == template:
                if method in methods:
                    raise ValueError(f"two sandbox routes for {method} {template}")
                methods[method] = entry
                return
        bucket.append((re.compile(pattern), names, template, {method: entry}))

    def match(self, method: str, path: str) -> tuple[Entry, dict[str, str]] | list[str] | None:
        """(entry, path params) on a match; the allowed methods when only the method is wrong; else None."""
        path = _normalize(path)
        allowed: list[str] = []
        methods = self._static.get(path)
        if methods is not None:
            entry = methods.get(method)
            if entry is not None:
                return entry, {}
            allowed.extend(methods)
        for regex, names, _tmpl, methods in self._dynamic.get(path.count("/"), ()):
            m = regex.match(path)
            if m is None:
                continue
            entry = methods.get(method)
            if entry is not None:
                return entry, {n: unquote(v) for n, v in zip(names, m.groups(), strict=True)}
            allowed.extend(methods)
        if allowed:
            return sorted(set(allowed))
        return None
