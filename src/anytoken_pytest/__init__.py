"""anytoken's pytest plugin (the ``anytoken`` pytest11 entry point): fixtures for apps that mint tokens, and the
``ANYTOKEN_REQUIRE`` hooks.

- ``anytoken_sandbox`` (session): a running :class:`anytoken.devkit.sandbox.Sandbox` serving every installed
  provider's emulation; call ``anytoken_sandbox.reset()`` for a fresh state, ``.inject(...)`` for faults.
- ``anytoken_client`` (function): ``anytoken_sandbox.client()``, closed after the test.
- ``anytoken_sandbox_env`` (function): the sandbox's credential and base-URL environment variables set
  with ``monkeypatch`` (returns them as a dict).

pytest loads this plugin in every session of every project that installs anytoken, so it is a top-level package
apart from ``anytoken``: importing ``anytoken.devkit.*`` would first run ``anytoken/__init__`` (httpx, attrs, the
client: ~100 ms). It imports only pytest and the standard library; the sandbox (and with it anytoken) is imported
inside the fixtures, when a test uses one. ``ANYTOKEN_REQUIRE`` (:mod:`anytoken.devkit.required_areas`, which
re-exports :mod:`anytoken_pytest._required`) turns skips of the areas it names into failures.
``tests/core/test_layering.py`` pins that importing this package loads no anytoken module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from anytoken_pytest._required import (  # noqa: F401 - hooks: ANYTOKEN_REQUIRE turns skips of required areas into failures
    pytest_collection_modifyitems,
    pytest_runtest_makereport,
    pytest_terminal_summary,
)

if TYPE_CHECKING:
    from anytoken.devkit.sandbox import Sandbox

__all__ = ["anytoken_client", "anytoken_sandbox", "anytoken_sandbox_env"]


@pytest.fixture(scope="session")
def anytoken_sandbox() -> Iterator[Sandbox]:
    """A sandbox on 127.0.0.1 serving every installed provider, shared by the test session."""
    from anytoken.devkit.sandbox import Sandbox

    sandbox = Sandbox()
    sandbox.start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def anytoken_client(anytoken_sandbox: Sandbox) -> Iterator[Any]:
    """An ``anytoken.Client`` pointed at the session sandbox, closed after the test."""
    client = anytoken_sandbox.client()
    try:
        yield client
    finally:
        close = getattr(client, "close", None)
        if callable(close):
            close()


@pytest.fixture
def anytoken_sandbox_env(anytoken_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Export the sandbox's credentials and base URLs as environment variables for this test."""
    env = anytoken_sandbox.env()
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env
