"""Module-level functions, served by one lazily built default :class:`~anytoken.Client`.

``anytoken.create_token(...)`` is ``default_client().create_token(...)``: each function here takes the
signature of its Client method (:func:`_on_default_client`), so the call surface is written once.
"""

from __future__ import annotations

import atexit
import functools
import inspect
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

from .client import Client
from .declarations import ProviderInfo

__all__ = [
    "aclose",
    "acreate_token",
    "aget_token",
    "arevoke_token",
    "close",
    "create_token",
    "default_client",
    "get_token",
    "list_providers",
    "revoke_token",
    "set_default_client",
]

_client: Client | None = None
_lock = threading.Lock()
_atexit_registered = False
_built = False  # the current default client was built here (so it is ours to close)


def default_client() -> Client:
    """The process-wide client behind :func:`create_token` (environment variables, default timeout).

    Closed at interpreter exit; :func:`close` / :func:`aclose` close it sooner (a later call builds a new one).
    """
    global _client, _atexit_registered, _built
    client = _client
    if client is None or client.closed:
        with _lock:
            if _client is None or _client.closed:
                _client, _built = Client(), True
                if not _atexit_registered:
                    atexit.register(_close_at_exit)
                    _atexit_registered = True
            client = _client
    return client


def set_default_client(client: Client | None) -> None:
    """Replace (or, with None, reset) the process-wide default client.

    A default client that :func:`default_client` built is closed when replaced; one you set stays yours.
    """
    global _client, _built
    with _lock:
        old, _client = (_client if _built else None), client
        _built = False
    if old is not None and old is not client:
        old.close()


def _take_default() -> Client | None:
    global _client, _built
    with _lock:
        client, _client, _built = _client, None, False
    return client


def close() -> None:
    """Close the default client's connections (sync code; done at interpreter exit anyway).

    A later module-level call builds a new default client.
    """
    client = _take_default()
    if client is not None:
        client.close()


async def aclose() -> None:
    """Close the default client's connections from async code: ``await anytoken.aclose()``.

    The connections of an event loop are also closed when that loop ends (``asyncio.run``), so this is needed
    only to release them earlier. A later module-level call builds a new default client.
    """
    client = _take_default()
    if client is not None:
        await client.aclose()


def _close_at_exit() -> None:
    client = _client
    if client is not None:
        client.close()


P = ParamSpec("P")
R = TypeVar("R")


def _on_default_client(method: Callable[Concatenate[Client, P], R]) -> Callable[P, R]:
    """The module-level twin of a :class:`Client` method, called on :func:`default_client`: the same
    signature and docstring, written once (on the Client)."""
    name = method.__name__

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return getattr(default_client(), name)(*args, **kwargs)  # type: ignore[no-any-return]

    return _without_self(call, method)


def _without_self(function: Callable[P, R], method: Callable[..., Any]) -> Callable[P, R]:
    """``help()`` and ``inspect.signature`` show the method's signature minus ``self``."""
    signature = inspect.signature(method)
    function.__module__, function.__qualname__ = __name__, method.__name__
    del function.__wrapped__  # type: ignore[attr-defined]
    function.__signature__ = signature.replace(parameters=list(signature.parameters.values())[1:])  # type: ignore[attr-defined]
    return function


def _on_default_client_async(method: Callable[Concatenate[Client, P], Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """:func:`_on_default_client` for a coroutine method (the twin is a coroutine function too)."""
    name = method.__name__

    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return await getattr(default_client(), name)(*args, **kwargs)  # type: ignore[no-any-return]

    return _without_self(call, method)


create_token = _on_default_client(Client.create_token)
acreate_token = _on_default_client_async(Client.acreate_token)
get_token = _on_default_client(Client.get_token)
aget_token = _on_default_client_async(Client.aget_token)
revoke_token = _on_default_client(Client.revoke_token)
arevoke_token = _on_default_client_async(Client.arevoke_token)


def list_providers() -> list[ProviderInfo]:
    """Declarations of every installed, usable provider."""
    return default_client().list_providers()
