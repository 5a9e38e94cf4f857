"""How ``anytoken create PROVIDER --NAME VALUE ...`` turns its arguments into a kind's parameters.

Two steps: :func:`split_args` reads the syntax only (which flags, with which values, how often), then
:func:`bind` maps them onto the kind's declared :class:`~anytoken.declarations.Param` s by type. The values
stay text: :meth:`TokenKind.validate <anytoken.declarations.TokenKind.validate>` coerces and checks them
exactly as it checks the API's, so both report the same errors. :data:`RULES` states the rules
(``anytoken create --help`` prints them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._call import CORE_KEYWORDS
from .declarations import parse_json_text
from .errors import InvalidParameterError

if TYPE_CHECKING:
    from .declarations import Param, ProviderInfo, TokenKind

__all__ = ["RULES", "Given", "bind", "provider_params", "single_value", "split_args"]

RULES = """\
provider parameters:
  --NAME VALUE or --NAME=VALUE    --credential-id finds credential_id or credentialId
                                  (`anytoken providers --all` lists each kind's parameters)
  bare --NAME                     only for true/false parameters (means true); any other needs a value
  repeated --NAME                 only for list parameters: each one appends (and may hold a,b,c);
                                  any other parameter is given once
  JSON parameters                 take JSON text: --claims '{"role": "admin"}'; a JSON string is
                                  quoted: --claims '"text"'; text that does not parse is an error
  free-form parameters            (kinds that accept undeclared ones) text starting with {, [ or "
                                  is JSON and must parse; anything else is a string
  a value starting with --        use --NAME=VALUE
"""

_JSON_START = ("{", "[", '"')
#: what a flag named like a core keyword of the call surface should be instead
_CORE_FLAGS = {
    "kind": "is an option of the command: use --kind KIND",
    "base_url": "is an option of the command: use --base-url URL",
    "timeout": "is an option of the command: use --timeout SECONDS",
    "force_refresh": "is an option of `anytoken token`: use --force-refresh",
    "allow_persistent": "is an option of `anytoken token`: use --allow-persistent",
    "credentials": "credentials are never read from the command line (shell history and ps keep it): "
    "set the provider's environment variable (anytoken providers lists them)",
    "retry": "is not an option of the command: retries follow the default RetryPolicy",
    "provider": "the provider is the command's first argument",
}


@attrs.frozen
class Given:
    """One parameter as typed: its first spelling (``--credential-id``) and each value (``None``: bare)."""

    flag: str
    values: tuple[str | None, ...]


def provider_params(info: ProviderInfo, kind: str | None, rest: Sequence[str]) -> tuple[str | None, dict[str, Any]]:
    """The kind and the params of ``--PARAM VALUE ...`` (``anytoken create``, ``anytoken token``).

    ``--type backend`` chooses the kind when no kind of the provider has a ``type`` param (Unleash reads so).
    """
    given = split_args(rest)
    if kind is None and "type" in given and all(k.param("type") is None for k in info.kinds):
        kind = single_value(given.pop("type"), provider=info.name)
    return kind, bind(given, info.kind(kind), provider=info.name)


def split_args(rest: Sequence[str]) -> dict[str, Given]:
    """``--name value`` / ``--name=value`` / bare ``--name`` items by key (``-`` read as ``_``), in order."""
    given: dict[str, Given] = {}
    i = 0
    while i < len(rest):
        item = rest[i]
        if not item.startswith("--") or item == "--":
            # the stray word is not echoed: it may be a secret pasted in the wrong place
            where = f"argument {i + 1}" if item != "--" else "--"
            raise InvalidParameterError([(where, "unexpected positional value; pass parameters as --name value")])
        name, eq, text = item[2:].partition("=")
        value: str | None = text if eq else None
        if not eq and i + 1 < len(rest) and not rest[i + 1].startswith("--"):
            i += 1
            value = rest[i]
        key = name.replace("-", "_")
        if not key or not key.replace("_", "").isalnum():
            raise InvalidParameterError([(_short("--" + name), "is not a parameter name")])
        before = given.get(key)
        given[key] = Given(before.flag if before else "--" + name, (*before.values, value) if before else (value,))
        i += 1
    return given


def single_value(given: Given, *, provider: str | None = None) -> str:
    """The one value of a parameter that takes exactly one (not bare, not repeated)."""
    problem = _single_problem(given, needs_value=True)
    if problem:
        raise InvalidParameterError([(given.flag, problem)], provider=provider)
    value = given.values[0]
    assert value is not None
    return value


def bind(given: dict[str, Given], kind: TokenKind, *, provider: str | None = None) -> dict[str, Any]:
    """Map the flags onto ``kind``'s params (``--expires-in`` finds ``expiresIn``); every problem in one error."""
    by_name: dict[str, Given] = {}
    for key, g in given.items():
        name = _declared_name(key, kind)
        before = by_name.get(name)
        by_name[name] = Given(before.flag, (*before.values, *g.values)) if before else g
    out: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name, g in by_name.items():
        if name in CORE_KEYWORDS:  # no provider parameter has such a name (Param refuses them)
            problems.append((g.flag, _CORE_FLAGS.get(name, "is not a provider parameter: the command sets it itself")))
            continue
        try:
            out[name] = _bind_one(g, kind.param(name), kind)
        except _Problem as exc:
            problems.append((g.flag, str(exc)))
    if problems:
        raise InvalidParameterError(problems, provider=provider, kind=kind.name)
    return out


class _Problem(Exception):
    pass


def _bind_one(g: Given, param: Param | None, kind: TokenKind) -> Any:
    if param is None:
        if not kind.extra_params:  # validate() reports it as unknown, with the closest names
            return True if g.values[0] is None else g.values[0]
        return _free_form(_one(g))
    if param.type == "bool":
        _check_single(g, needs_value=False)
        return True if g.values[0] is None else g.values[0]
    if param.type == "str_list":
        if any(v is None for v in g.values):
            raise _Problem(f"needs a value ({g.flag} A,B; repeat {g.flag} to add more)")
        items: list[Any] = []
        for v in g.values:
            assert v is not None
            items.extend(_list_items(v))
        return items
    return _one(g)


def _one(g: Given) -> str:
    _check_single(g, needs_value=True)
    value = g.values[0]
    assert value is not None
    return value


def _check_single(g: Given, *, needs_value: bool) -> None:
    problem = _single_problem(g, needs_value=needs_value)
    if problem:
        raise _Problem(problem)


def _single_problem(g: Given, *, needs_value: bool) -> str | None:
    if len(g.values) > 1:
        return f"given {len(g.values)} times; it takes one value (only list parameters may be repeated)"
    if needs_value and g.values[0] is None:
        return f"needs a value ({g.flag} VALUE; only true/false parameters may be bare flags)"
    return None


def _list_items(text: str) -> list[Any]:
    if text.strip().startswith("["):
        parsed = _json_text(text)
        if not isinstance(parsed, list):
            raise _Problem("expected a JSON list or comma-separated items")
        return parsed
    return [s.strip() for s in text.split(",") if s.strip()]


def _free_form(text: str) -> Any:
    return _json_text(text) if text.strip().startswith(_JSON_START) else text


def _json_text(text: str) -> Any:
    try:
        return parse_json_text(text)
    except ValueError as exc:
        raise _Problem(str(exc)) from None


def _declared_name(key: str, kind: TokenKind) -> str:
    if kind.param(key) is not None:
        return key
    declared = {p.name.replace("_", "").lower(): p.name for p in kind.params}
    return declared.get(key.replace("_", "").lower(), key)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
