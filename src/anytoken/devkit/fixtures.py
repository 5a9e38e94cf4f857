"""Pytest fixtures and helpers the plugins' own test suites share, so that each suite names what it tests
rather than writing the same set-up again (docs/plugins.md, "Layout of a plugin").

In a test module::

    from anytoken.devkit.fixtures import recording_fixtures, sandbox_fixtures

    plugin_sandbox, sb, client = sandbox_fixtures(plugin.sandbox, seed=11)  # a Sandbox, reset per test; a Client on it
    recorded, sb = recording_fixtures(my_sandbox.sandbox_provider)  # the same, recording every exchange

The names on the left are the fixtures' names: pytest finds them as module attributes. :func:`real_server`
starts a real server from one of the repository's ``scripts/`` (``oidc_server.py``, ``unleash_server.py``)
for the live tests; :func:`jwt_part` reads a JWT's header or claims without checking its signature.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from anytoken.client import Client
    from anytoken.devkit.sandbox import Sandbox
    from anytoken.devkit.sandbox.model import SandboxProvider
    from anytoken.devkit.spec_testing import Exchange

__all__ = [
    "amint_examples",
    "jwt_part",
    "load_script",
    "mint_outcomes",
    "real_server",
    "recording_fixtures",
    "sandbox_fixtures",
    "transport_clients",
    "unsigned_jwt",
]

Recorded = tuple["Sandbox", list["Exchange"]]


def sandbox_fixtures(providers: Callable[[], Iterable[SandboxProvider]], *, seed: int | None = None) -> tuple[Any, Any, Any]:
    """Three fixtures: ``plugin_sandbox`` (module scope, a started :class:`~anytoken.devkit.sandbox.Sandbox` serving
    ``providers()``, e.g. the plugin's sandbox hook), ``sb`` (that sandbox, reset for each test) and ``client`` (a
    :class:`~anytoken.Client` on ``sb``, no retries, closed after the test)."""

    @pytest.fixture(scope="module")
    def plugin_sandbox() -> Iterator[Sandbox]:
        from anytoken.devkit.sandbox import Sandbox

        with Sandbox(providers=list(providers()), seed=seed) as sandbox:
            yield sandbox

    @pytest.fixture
    def sb(plugin_sandbox: Sandbox) -> Sandbox:
        plugin_sandbox.reset()
        return plugin_sandbox

    @pytest.fixture
    def client(sb: Sandbox) -> Iterator[Client]:
        from anytoken.retry import RetryPolicy

        with sb.client(env={}, retry=RetryPolicy(max_attempts=1)) as c:
            yield c

    return plugin_sandbox, sb, client


def recording_fixtures(provider: Callable[[], SandboxProvider], **sandbox_options: Any) -> tuple[Any, Any]:
    """Two fixtures: ``recorded`` (module scope: :func:`anytoken.devkit.spec_testing.recording_sandbox` of
    ``provider()``, a (Sandbox, exchange log) pair) and ``sb`` (the same pair, the sandbox reset and the log
    emptied for each test)."""

    @pytest.fixture(scope="module")
    def recorded() -> Iterator[Recorded]:
        from anytoken.devkit.spec_testing import recording_sandbox

        with recording_sandbox(provider(), **sandbox_options) as pair:
            yield pair

    @pytest.fixture
    def sb(recorded: Recorded) -> Recorded:
        recorded[0].reset()
        recorded[1].clear()
        return recorded

    return recorded, sb


def transport_clients(name: str, **client_options: Any) -> Any:
    """A fixture called ``name``: ``make(transport)`` gives an :class:`~anytoken.Client` sending through
    ``transport`` (sync and async, e.g. a :class:`~anytoken.devkit.spec_testing.CapturingTransport`) with
    ``client_options``; every client it made is closed after the test."""

    @pytest.fixture(name=name)
    def make_clients() -> Iterator[Callable[[Any], Client]]:
        from anytoken.client import Client

        clients: list[Client] = []

        def make(transport: Any) -> Client:
            client = Client(**client_options, transport=transport, async_transport=transport)
            clients.append(client)
            return client

        yield make
        for client in clients:
            client.close()

    return make_clients


def mint_outcomes(client: Client, provider: str, calls: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Mint each (kind, parameters) of ``calls`` with ``client``: ``"ok"``, or the name of the anytoken error it raised."""
    from anytoken.errors import AnytokenError

    outcomes: list[str] = []
    for kind, params in calls:
        try:
            client.create_token(provider, kind=kind, **params)
            outcomes.append("ok")
        except AnytokenError as exc:
            outcomes.append(type(exc).__name__)
    return outcomes


def amint_examples(sandbox: Sandbox, provider: str) -> None:
    """Mint every example of ``provider`` on ``sandbox`` through the async API (one event loop, one client)."""
    import asyncio

    async def run() -> None:
        async with sandbox.client(env={}) as client:
            for kind, params in sandbox.examples(provider).items():
                await client.acreate_token(provider, kind=kind, **params)

    asyncio.run(run())


def unsigned_jwt(claims: dict[str, Any], alg: str = "HS256") -> str:
    """A JWT-shaped string with ``claims`` and a dummy signature, for answers a test makes up."""

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims)}.c2ln"


def jwt_part(token: str, index: int) -> dict[str, Any]:
    """The JSON of a JWT's header (``index=0``) or claims (``index=1``), signature unchecked."""
    part = token.split(".")[index]
    result: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return result


def load_script(path: Path) -> ModuleType:
    """The repository script at ``path``, imported by path (the scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(f"anytoken_script_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def real_server(area: str, script: Path, server: str, *, skip_env: str, timeout: float, optional: bool = False) -> Iterator[Any]:
    """A real server: ``<server>.start(timeout=...)`` of the script at ``script``, stopped on leaving.

    When it cannot run here (``skip_env=1`` in the environment, the script absent, or its ``Unavailable``
    with the reason) the test skips through :func:`anytoken.devkit.required_areas.require` (a failure where
    ``ANYTOKEN_REQUIRE`` names ``area``), or, with ``optional=True``, the block gets None.
    """
    from anytoken.devkit.required_areas import require

    def unavailable(why: str) -> None:
        if not optional:
            require(area, why)

    if os.environ.get(skip_env) == "1":
        unavailable(f"{skip_env}=1")
        yield None
        return
    if not script.is_file():
        unavailable(f"{script} not found")
        yield None
        return
    module = load_script(script)
    try:
        running = getattr(module, server).start(timeout=timeout)
    except module.Unavailable as exc:
        unavailable(f"no real {area} server here: {exc}")
        yield None
        return
    try:
        yield running
    finally:
        running.stop()
