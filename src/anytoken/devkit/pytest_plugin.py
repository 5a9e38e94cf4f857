"""pytest fixtures for apps that mint tokens through anytoken (registered as the ``anytoken`` pytest11 plugin).

- ``anytoken_sandbox`` (session): a running :class:`anytoken.devkit.sandbox.Sandbox` serving every installed
  provider's emulation; call ``anytoken_sandbox.reset()`` for a fresh state, ``.inject(...)`` for faults.
- ``anytoken_client`` (function): ``anytoken_sandbox.client()``, closed after the test.
- ``anytoken_sandbox_env`` (function): the sandbox's credential and base-URL environment variables set
  with ``monkeypatch`` (returns them as a dict).

The sandbox is imported inside the fixtures, so merely having anytoken installed costs pytest nothing.
``ANYTOKEN_REQUIRE`` (see :mod:`anytoken.devkit.required_areas`) turns skips of the areas it names into failures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from anytoken.devkit.required_areas import (  # noqa: F401 - hooks: ANYTOKEN_REQUIRE turns skips of required areas into failures
    pytest_collection_modifyitems,
    pytest_runtest_makereport,
    pytest_terminal_summary,
)

if TYPE_CHECKING:
    from anytoken.devkit.sandbox import Sandbox


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
