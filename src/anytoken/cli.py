"""The ``anytoken`` command line.

``anytoken providers`` · ``anytoken create PROVIDER [--kind K] [--PARAM VALUE ...] [--json]`` ·
``anytoken token PROVIDER ...`` · ``anytoken cache list|clear`` · ``anytoken revoke -`` (``_cli_tokens``) ·
and the commands other distributions add through the ``anytoken.commands`` entry-point group (the devkit's
``anytoken sandbox`` · ``anytoken demo`` · ``anytoken new-plugin``: the runtime names no tooling module). Errors
print one line on stderr, never a traceback nor a secret; the exit code is 2 for usage errors and 1 for provider
failures.

An ``anytoken.commands`` entry point is named like its subcommand; its object has ``help`` (one line for
``anytoken --help``) and ``main(argv, parser_class) -> int`` (the arguments after the name; ``parser_class``'s
``error`` raises a one-line :class:`~anytoken.errors.UsageError`). Reading the group imports nothing; an
entry point is loaded when its command runs, or for ``anytoken --help``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, cast

from ._cli_params import RULES, provider_params
from ._cli_params import print_table as _print_table
from .errors import AnytokenError, UsageError

if TYPE_CHECKING:
    from ._entry_points import FoundEntryPoint
    from .declarations import Param

__all__ = ["COMMAND_GROUP", "main"]

PROG = "anytoken"
COMMAND_GROUP = "anytoken.commands"
_CORE_COMMANDS = ("providers", "create", "token", "cache", "revoke")


class Command(Protocol):
    """What an ``anytoken.commands`` entry point names."""

    help: str

    def main(self, argv: list[str], parser_class: type[argparse.ArgumentParser]) -> int: ...


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # `--time 5` must not become --timeout (providers have params too)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


class _Once(argparse.Action):
    """An option given at most once: a repeated ``--kind`` is a usage error, not "the last one wins"."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None) -> None:
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"{option} given twice")
        setattr(namespace, self.dest, values)


def _extension_points() -> dict[str, FoundEntryPoint]:
    """The ``anytoken.commands`` entry points by name (the first distribution on sys.path wins; core names are kept)."""
    from ._entry_points import scan

    out: dict[str, FoundEntryPoint] = {}
    for ep in scan(COMMAND_GROUP):
        if ep.name not in _CORE_COMMANDS:
            out.setdefault(ep.name, ep)
    return out


def _load_command(ep: FoundEntryPoint) -> Command:
    try:
        command = ep.load()
    except ImportError as exc:
        raise UsageError(f"command {ep.name!r} ({ep.distribution}) cannot be loaded: {exc}") from None
    if not callable(getattr(command, "main", None)):
        raise UsageError(f"command {ep.name!r} ({ep.distribution}) is not an anytoken command (no main)")
    return cast("Command", command)


def _extensions() -> dict[str, Command]:
    return {name: _load_command(ep) for name, ep in _extension_points().items()}


def _build_parser(extensions: dict[str, Command] | None = None) -> _Parser:
    parser = _Parser(prog=PROG, description="Mint access tokens from any provider through one call.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    p = sub.add_parser("providers", help="list installed providers, their kinds, parameters and env vars")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--all", action="store_true", help="show parameters of every kind")
    c = sub.add_parser(
        "create",
        help="mint a token: anytoken create PROVIDER [--kind K] [--PARAM VALUE ...]",
        description="Mint a token. Provider parameters are passed as --name value (see `anytoken providers --all`). "
        "Credentials come from the environment variables `anytoken providers` lists.",
        epilog=RULES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("provider")
    c.add_argument("--kind", action=_Once, help="token kind (default: the provider's first)")
    c.add_argument("--base-url", action=_Once, help="override the provider's base URL")
    c.add_argument("--timeout", action=_Once, type=float, help="seconds per HTTP attempt")
    c.add_argument("--json", action="store_true", help="print JSON with kind, expiry and metadata (the value included)")
    sub.add_parser("token", help="print a token from the encrypted cache your shells share (mint only when none is fresh)", add_help=False)
    sub.add_parser("cache", help="list (masked) or clear the token cache of `anytoken token`", add_help=False)
    sub.add_parser("revoke", help="revoke a token read from stdin: anytoken create unleash --json | anytoken revoke -", add_help=False)
    for name, command in (extensions or {}).items():
        sub.add_parser(name, help=str(getattr(command, "help", "")), add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    import warnings

    from .plugins import AnytokenPluginWarning

    try:
        with warnings.catch_warnings():
            # the CLI reports broken plugins itself (`providers` table, one-line errors): no warning spew
            warnings.simplefilter("ignore", AnytokenPluginWarning)
            return _run(args_list)
    except AnytokenError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


def _run(argv: list[str]) -> int:
    if argv and argv[0] in ("token", "cache", "revoke"):
        from ._cli_tokens import run

        return run(argv, _Parser)
    extensions: dict[str, Command] | None = None
    if not argv or argv[0] not in _CORE_COMMANDS:
        points = _extension_points()
        if argv and argv[0] in points:
            return int(_load_command(points[argv[0]]).main(argv[1:], _Parser))
        extensions = _extensions()  # for the help and the "choose a command" errors
    if len(argv) >= 2 and argv[0] == "create" and not argv[1].startswith("-") and ("-h" in argv or "--help" in argv):
        return _create_help(argv[1])
    parser = _build_parser(extensions)
    args, rest = parser.parse_known_args(argv)
    if args.command is None:
        if argv:
            names = [*_CORE_COMMANDS, *(extensions or {})]
            parser.error(f"choose a command: {', '.join(names[:-1])} or {names[-1]}")
        parser.print_help()
        return 2
    if args.command != "create" and rest:
        parser.error(f"unrecognized arguments: {' '.join(_short(r) for r in rest)}")
    if args.command == "providers":
        return _providers(args.json, args.all)
    if args.command == "create":
        return _create(args, rest)
    parser.error(f"unknown command {args.command!r}")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


# -- providers -------------------------------------------------------------------------------------


def _providers(as_json: bool, show_all: bool) -> int:
    from .api import default_client

    registry = default_client().registry
    records = registry.load_all()
    rows: list[dict[str, Any]] = []
    for rec in sorted(records, key=lambda r: (r.provider, r.distribution or "")):
        row: dict[str, Any] = {
            "provider": rec.provider,
            "distribution": rec.distribution,
            "version": rec.version,
            "status": rec.status,
        }
        if rec.error:
            row["error"] = rec.error
        info = rec.info
        if info is not None:
            row["kinds"] = [
                {
                    "name": k.name,
                    "help": k.help,
                    "reusable": k.reusable,
                    "persistent": k.persistent,
                    "params": [
                        {"name": p.name, "type": p.type, "required": p.required, "default": p.default, "help": p.help, "choices": p.choices}
                        for p in k.params
                    ],
                    "credentials": list(k.credentials),
                }
                for k in info.kinds
            ]
            row["env"] = sorted({e for c in info.credentials for e in c.env} | ({info.base_url_env} if info.base_url_env else set()))
            row["base_urls"] = dict(info.base_urls)
        rows.append(row)
    if as_json:
        print(json.dumps(rows, indent=2, default=str))
        return 0
    if not rows:
        print("No providers installed. Install one, e.g. `pip install anytoken-clerk`.")
        return 0
    table = [("PROVIDER", "DISTRIBUTION", "STATUS", "KINDS", "ENV")]
    for row in rows:
        kinds = ", ".join(k["name"] for k in row.get("kinds", [])) or "-"
        dist = f"{row['distribution'] or '?'} {row['version'] or ''}".strip()
        status = row["status"] if row["status"] != "loaded" else "ok"
        table.append((row["provider"], dist, status, kinds, " ".join(row.get("env", [])) or "-"))
    _print_table(table)
    for row in rows:
        if row.get("error"):
            print(f"  ! {row['provider']} ({row['distribution']}): {row['error']}")
        if show_all:
            for k in row.get("kinds", []):
                params = " ".join(
                    f"--{p['name']}{'' if p['required'] else '?'}"
                    + (f"[{'|'.join(map(str, p['choices']))}]" if p["choices"] else f"<{p['type']}>")
                    for p in k["params"]
                )
                print(f"  {row['provider']} {k['name']}: {params or '(no parameters)'}")
    return 0


# -- create ----------------------------------------------------------------------------------------


def _create(args: argparse.Namespace, rest: list[str]) -> int:
    from .api import default_client

    client = default_client()
    info = client.registry.provider(args.provider)
    kind, params = provider_params(info, args.kind, rest)
    token = client.create_token(args.provider, kind=kind, base_url=args.base_url, timeout=args.timeout, **params)
    if args.json:
        print(json.dumps(token.to_dict(reveal=True), indent=2, default=str))
    else:
        print(token.value)
    return 0


# -- create PROVIDER --help --------------------------------------------------------------------------


def _create_help(provider: str) -> int:
    """``anytoken create PROVIDER --help``: the provider's kinds, parameters (type, default, choices, help),
    credentials and base URL, from its declaration."""
    from .api import default_client

    info = default_client().registry.provider(provider)
    print(f"usage: {PROG} create {info.name} [--kind KIND] [--PARAM VALUE ...] [--base-url URL] [--timeout S] [--json]")
    if info.help:
        print(f"\n{info.help}")
    creds = "; ".join(f"{c.name} from {' or '.join(c.env) or 'credentials='}" for c in info.credentials) or "none"
    urls = ", ".join(f"{name} {url}" for name, url in info.base_urls) or f"none by default ({info.base_url_example or 'per customer'})"
    print(f"\ncredentials: {creds}")
    print(
        f"base URL: {urls}" + (f"; override with {info.base_url_env} or --base-url" if info.base_url_env else "; override with --base-url")
    )
    for i, k in enumerate(info.kinds):
        print(f"\nkind {k.name}{' (default)' if i == 0 else ''}: {k.help or '-'}")
        for p in k.params:
            print(f"  --{p.name} {_param_usage(p)}")
        if not k.params:
            print("  (no parameters)")
    if all(k.param("type") is None for k in info.kinds):
        print("\n--type NAME is accepted as --kind NAME (this provider has no `type` parameter).")
    return 0


def _param_usage(p: Param) -> str:
    shown = {"str_list": "STR,...", "int_list": "INT,...", "float_list": "NUM,...", "object": "JSON-OBJECT", "json": "JSON"}
    parts = [shown.get(p.type, p.type.upper())]
    if p.choices:
        parts.append("{" + "|".join(map(str, p.choices)) + "}")
    parts.append("(required)" if p.required else f"(default: {p.default!r})" if p.default is not None else "(optional)")
    text = " ".join(parts) + f"  {p.help}"
    props = (p.schema or {}).get("properties") if p.schema else None
    if isinstance(props, dict) and props:
        fields = []
        for name, sub in props.items():
            enum = sub.get("enum") if isinstance(sub, dict) else None
            fields.append(f"{name} ({'|'.join(map(str, enum))})" if enum else str(name))
        text += f"; fields: {', '.join(fields)}"
    return text
