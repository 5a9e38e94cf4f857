"""``anytoken sandbox``: run the emulator in the foreground and print how to point an app at it."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from anytoken.devkit.sandbox.model import SandboxProvider

__all__ = ["main"]


def _parser(parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser = parser_class(
        prog="anytoken sandbox",
        description="Serve a local emulator of the installed token providers (fake keys, real HTTP).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: 0, a free port)")
    parser.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="NAME",
        help="serve only this provider (repeatable; default: every installed provider)",
    )
    parser.add_argument("--seed", type=int, default=None, help="make ids and signing keys deterministic")
    parser.add_argument("--log-requests", action="store_true", help="log each request (secrets masked)")
    return parser


def main(
    argv: list[str] | None = None,
    *,
    providers: Sequence[SandboxProvider] | None = None,
    parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser,
) -> int:
    """Run the sandbox until Ctrl-C/SIGTERM; returns the exit status.

    ``providers`` overrides plugin discovery (for tests and embedding); ``parser_class`` is the CLI's
    (whose ``error`` raises a one-line ``UsageError``).
    """
    args = _parser(parser_class).parse_args(argv)
    from anytoken.devkit.sandbox._sandbox import Sandbox

    if providers is None:
        try:
            from anytoken.devkit.sandbox._plugins import sandbox_providers

            providers = sandbox_providers()
        except Exception as exc:
            print(f"anytoken sandbox: cannot load provider plugins: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    if args.provider:
        known = {p.name: p for p in providers}
        missing = [n for n in args.provider if n not in known]
        if missing:
            available = ", ".join(sorted(known)) or "none"
            print(
                f"anytoken sandbox: no sandbox for provider(s) {', '.join(missing)}. Available: {available}",
                file=sys.stderr,
            )
            return 2
        providers = [known[n] for n in dict.fromkeys(args.provider)]
    if not providers:
        print("anytoken sandbox: no installed plugin contributes a sandbox provider", file=sys.stderr)
        return 1
    if args.log_requests:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        sandbox = Sandbox(providers, host=args.host, port=args.port, seed=args.seed, log_requests=args.log_requests)
    except ValueError as exc:
        print(f"anytoken sandbox: {exc}", file=sys.stderr)
        return 1

    def announce(sb: Sandbox) -> None:
        lines = [f"anytoken sandbox listening on {sb.url}", ""]
        for name in sb.providers:
            lines.append(f"  {name:<12} {sb.base_url(name)}")
        lines += ["", "# fake sandbox credentials and base URLs; paste into your shell:"]
        lines += [f"export {var}={shlex.quote(value)}" for var, value in sb.env().items()]
        lines += ["", "Faults and stats: POST/DELETE " + sb.url + "/_sandbox/faults, GET " + sb.url + "/_sandbox/stats"]
        lines.append("Press Ctrl-C to stop.")
        print("\n".join(lines), flush=True)

    try:
        sandbox.serve_forever(announce)
    except OSError as exc:
        print(f"anytoken sandbox: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print("anytoken sandbox stopped", flush=True)
    return 0
