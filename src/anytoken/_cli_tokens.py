"""The CLI's token-using commands: ``anytoken token``, ``anytoken cache list|clear``, ``anytoken revoke -``.

``anytoken token PROVIDER [--kind K] [--PARAM VALUE ...]`` prints a token from the encrypted file cache that
every shell of the user shares (:class:`~anytoken.cache.FileBackend`), minting only when there is no fresh
one (the rules of ``get_token``: same key, same refresh windows; parallel invocations mint once).
``anytoken revoke -`` reads the token from standard input (never from argv, where shell history and ``ps``
keep it): the JSON of ``anytoken create --json`` / ``anytoken token --json``, or a bare token with
``--provider`` (and ``--kind``, ``--id`` when the provider needs them).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from .errors import InvalidParameterError, UsageError

if TYPE_CHECKING:
    from .cache import FileBackend
    from .client import Client
    from .tokens import Token

__all__ = ["run"]

_MAX_STDIN = 1 << 20


def _file_client() -> tuple[Client, FileBackend]:
    from .cache import FileBackend, TokenCache
    from .client import Client

    backend = FileBackend()
    backend.fernet()  # a key file others can read, or none that can be made, is the user's to fix: said here, in one line
    return Client(cache=TokenCache(backend)), backend


def run(argv: list[str], parser_class: type[argparse.ArgumentParser]) -> int:
    command, rest = argv[0], argv[1:]
    if command == "token":
        return _token(rest, parser_class)
    if command == "cache":
        return _cache(rest, parser_class)
    return _revoke(rest, parser_class)


# -- anytoken token --------------------------------------------------------------------------------


def _token(argv: list[str], parser_class: type[argparse.ArgumentParser]) -> int:
    from ._cli_params import provider_params

    p = parser_class(
        prog="anytoken token",
        description="Print a token from the encrypted on-disk cache shared by your shells; mint one only when none is fresh. "
        "Parameters as for `anytoken create` (--name value).",
    )
    p.add_argument("provider")
    p.add_argument("--kind", help="token kind (default: the provider's first)")
    p.add_argument("--base-url", help="override the provider's base URL")
    p.add_argument("--timeout", type=float, help="seconds per HTTP attempt")
    p.add_argument("--allow-persistent", action="store_true", help="cache a kind whose minting creates a resource (reuse one token)")
    p.add_argument("--force-refresh", action="store_true", help="mint a new token even if a fresh one is cached")
    p.add_argument("--json", action="store_true", help="print JSON with kind, expiry and metadata (the value included)")
    args, rest = p.parse_known_args(argv)
    client, _ = _file_client()
    with client:
        info = client.registry.provider(args.provider)
        kind, params = provider_params(info, args.kind, rest)
        try:
            token = client.get_token(
                args.provider,
                kind=kind,
                base_url=args.base_url,
                timeout=args.timeout,
                allow_persistent=args.allow_persistent,
                force_refresh=args.force_refresh,
                **params,
            )
        except UsageError as exc:  # the Python spelling of the opt-in is not the CLI's
            exc.message = exc.message.replace("allow_persistent=True", "--allow-persistent")
            raise
    if args.json:
        print(json.dumps(token.to_dict(reveal=True), indent=2, default=str))
    else:
        print(token.value)
    return 0


# -- anytoken cache list|clear ---------------------------------------------------------------------


def _cache(argv: list[str], parser_class: type[argparse.ArgumentParser]) -> int:
    p = parser_class(prog="anytoken cache", description="Inspect or empty the on-disk token cache of `anytoken token`.")
    sub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=parser_class)
    ls = sub.add_parser("list", help="the cached tokens, masked: provider, kind, expiry")
    ls.add_argument("--json", action="store_true")
    clear = sub.add_parser("clear", help="delete the cached tokens (of one provider, when given)")
    clear.add_argument("provider", nargs="?")
    sub.add_parser("path", help="where the cache and its key live")
    args = p.parse_args(argv)
    if args.action is None:
        p.error("choose an action: list, clear or path")
    from .cache import FileBackend

    backend = FileBackend()
    if args.action == "path":
        backend.fernet()
        print(
            f"cache: {backend.directory}\nkey:   {backend.key_source}"
            + (f" ({backend.config_dir})" if backend.key_source == "key file" else "")
        )
        return 0
    if args.action == "clear":
        removed = backend.clear(args.provider)
        if args.provider and not removed:
            from .api import default_client

            default_client().registry.provider(args.provider)  # a name no plugin serves: UnknownProviderError (did you mean)
        what = f" of {args.provider}" if args.provider else ""
        print(f"removed {removed} cached token{'' if removed == 1 else 's'}{what}")
        return 0
    return _list(backend, args.json)


def _list(backend: FileBackend, as_json: bool) -> int:
    import time
    from datetime import UTC, datetime

    now = time.time()
    rows = []
    for _, entry in sorted(backend.entries(), key=lambda e: (e[1].token.provider, e[1].token.kind, e[1].usable_until)):
        t = entry.token
        state = "fresh" if now < entry.fresh_until else "refresh due" if now < entry.usable_until else "expired"
        rows.append(
            {
                "provider": t.provider,
                "kind": t.kind,
                "token": t.masked,
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "usable_until": datetime.fromtimestamp(entry.usable_until, UTC).isoformat(timespec="seconds"),
                "state": state,
            }
        )
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(f"no cached tokens in {backend.directory}")
        return 0
    from ._cli_params import print_table as _print_table

    table: list[tuple[str, ...]] = [("PROVIDER", "KIND", "TOKEN", "EXPIRES", "STATE")]
    table += [(str(r["provider"]), str(r["kind"]), str(r["token"]), str(r["expires_at"] or "unknown"), str(r["state"])) for r in rows]
    _print_table(table)
    return 0


# -- anytoken revoke - -----------------------------------------------------------------------------


def _revoke(argv: list[str], parser_class: type[argparse.ArgumentParser]) -> int:
    p = parser_class(
        prog="anytoken revoke",
        description="Revoke a minted token, read from standard input (never from the command line): "
        "`anytoken create unleash --json | anytoken revoke -`. Cached copies are dropped too.",
    )
    p.add_argument("source", metavar="-", help="'-': read the token (JSON of `create --json`, or the bare token) from stdin")
    p.add_argument("--provider", help="for a bare token: its provider")
    p.add_argument("--kind", help="for a bare token: its kind (default: the provider's first)")
    p.add_argument("--id", help="for a bare token: its id at the provider (Clerk tokens, Unleash PATs)")
    p.add_argument("--base-url", help="override the provider's base URL")
    args = p.parse_args(argv)
    if args.source != "-":
        raise UsageError("the token is read from standard input: pass - (a token on the command line stays in shell history and ps)")
    data = sys.stdin.read(_MAX_STDIN + 1)
    if len(data) > _MAX_STDIN:
        raise InvalidParameterError([("stdin", f"is larger than {_MAX_STDIN} bytes: expected one token")])
    client, _ = _file_client()
    with client:
        token = _token_from_stdin(client, data, args)
        client.revoke_token(token, base_url=args.base_url)
    print(f"revoked {token.provider}/{token.kind} token {token.masked}")
    return 0


def _token_from_stdin(client: Client, data: str, args: argparse.Namespace) -> Token:
    from .tokens import Token

    text = data.strip()
    if not text:
        raise InvalidParameterError([("stdin", "is empty: pipe the token in, e.g. anytoken create unleash --json | anytoken revoke -")])
    if text.startswith("{"):
        return _token_from_json(text, args)
    if any(c.isspace() for c in text):
        raise InvalidParameterError([("stdin", "holds more than one word: expected one token, or the JSON of anytoken create --json")])
    if not args.provider:
        raise InvalidParameterError([("--provider", "is required for a bare token (or pipe the JSON of anytoken create --json)")])
    info = client.registry.provider(args.provider)
    kind = info.kind(args.kind).name
    return Token.from_value(info.name, kind, text, id=args.id)


def _token_from_json(text: str, args: argparse.Namespace) -> Token:
    from .cache._codec import token_from_dict

    try:
        doc: Any = json.loads(text)
    except ValueError:
        raise InvalidParameterError([("stdin", "is not valid JSON: expected the output of anytoken create --json")]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("value"), str) or "…" in doc["value"]:
        raise InvalidParameterError([("stdin", 'needs the token\'s "value" in clear: pipe anytoken create --json (not a masked listing)')])
    doc.setdefault("issued_at", "1970-01-01T00:00:00+00:00")
    doc.setdefault("expires_at", None)
    for name in ("provider", "kind", "id"):
        given = getattr(args, name)
        if given is not None:
            doc[name] = given
    try:
        return token_from_dict(doc)
    except (KeyError, TypeError, ValueError):
        raise InvalidParameterError(
            [("stdin", "lacks provider, kind or a valid date: expected the output of anytoken create --json")]
        ) from None
