"""The devkit's subcommands of ``anytoken``: ``sandbox``, ``demo``, ``new-plugin``.

They are declared in the ``anytoken.commands`` entry-point group (pyproject.toml), which the runtime CLI reads
without importing anything (:mod:`anytoken.cli`): the runtime never names a devkit module. Each entry point is
an object with ``help`` (the line ``anytoken --help`` shows) and ``main(argv, parser_class) -> int``. This module
is imported for ``anytoken --help`` too, so it imports nothing itself; each command imports its code when run.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["demo", "new_plugin", "sandbox"]

Run = Callable[[list[str], type[argparse.ArgumentParser]], int]


class Command:
    """One subcommand: its one-line help and the function that runs it."""

    __slots__ = ("_run", "help")

    def __init__(self, help: str, run: Run) -> None:
        self.help = help
        self._run = run

    def main(self, argv: list[str], parser_class: type[argparse.ArgumentParser]) -> int:
        """Run with the arguments after the command name; ``parser_class``'s ``error`` raises a one-line UsageError."""
        return self._run(argv, parser_class)


def _sandbox(argv: list[str], parser_class: type[argparse.ArgumentParser]) -> int:
    from anytoken.devkit.sandbox._cli import main

    return main(argv, parser_class=parser_class)


def _demo(argv: list[str], parser_class: type[argparse.ArgumentParser]) -> int:
    parser = parser_class(prog="anytoken demo")
    parser.add_argument("--json", action="store_true")
    args, rest = parser.parse_known_args(argv)
    if rest:  # never echo a long stray value in full: it may be a pasted secret
        parser.error(f"unrecognized arguments: {' '.join(r if len(r) <= 40 else r[:37] + '...' for r in rest)}")
    from anytoken.devkit.demo import run_demo

    return run_demo(json_output=args.json)


def _new_plugin(argv: list[str], parser_class: type[argparse.ArgumentParser]) -> int:
    from anytoken.devkit.scaffold import main

    return int(main(argv))


sandbox = Command("serve the local provider emulator on 127.0.0.1", _sandbox)
demo = Command("start the sandbox and mint one token of every installed provider and kind", _demo)
new_plugin = Command("scaffold a provider plugin distribution from an OpenAPI spec", _new_plugin)
