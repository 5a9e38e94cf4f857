"""Module-level functions, served by one lazily built default :class:`~anytoken.Client`."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Mapping
from typing import Any

from .client import Client
from .declarations import ProviderInfo
from .retry import RetryPolicy
from .tokens import Token

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


def create_token(
    provider: str,
    *,
    kind: str | None = None,
    credentials: Mapping[str, str] | str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    **params: Any,
) -> Token:
    """Mint a token from ``provider``: ``anytoken.create_token("clerk", token_format="jwt")``."""
    return default_client().create_token(
        provider, kind=kind, credentials=credentials, base_url=base_url, timeout=timeout, retry=retry, **params
    )


async def acreate_token(
    provider: str,
    *,
    kind: str | None = None,
    credentials: Mapping[str, str] | str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    **params: Any,
) -> Token:
    """Async twin of :func:`create_token`."""
    return await default_client().acreate_token(
        provider, kind=kind, credentials=credentials, base_url=base_url, timeout=timeout, retry=retry, **params
    )


def get_token(
    provider: str,
    *,
    kind: str | None = None,
    credentials: Mapping[str, str] | str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    force_refresh: bool = False,
    allow_persistent: bool = False,
    **params: Any,
) -> Token:
    """A cached token while it is fresh, else a new one (single-flight per key; ``docs/cache.md``)."""
    return default_client().get_token(
        provider,
        kind=kind,
        credentials=credentials,
        base_url=base_url,
        timeout=timeout,
        retry=retry,
        force_refresh=force_refresh,
        allow_persistent=allow_persistent,
        **params,
    )


async def aget_token(
    provider: str,
    *,
    kind: str | None = None,
    credentials: Mapping[str, str] | str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    force_refresh: bool = False,
    allow_persistent: bool = False,
    **params: Any,
) -> Token:
    """Async twin of :func:`get_token`."""
    return await default_client().aget_token(
        provider,
        kind=kind,
        credentials=credentials,
        base_url=base_url,
        timeout=timeout,
        retry=retry,
        force_refresh=force_refresh,
        allow_persistent=allow_persistent,
        **params,
    )


def list_providers() -> list[ProviderInfo]:
    """Declarations of every installed, usable provider."""
    return default_client().list_providers()


def revoke_token(token: Token, *, credentials: Mapping[str, str] | str | None = None, base_url: str | None = None) -> None:
    """Revoke a minted token at its provider and drop its cached copies (``Client.revoke_token``)."""
    default_client().revoke_token(token, credentials=credentials, base_url=base_url)


async def arevoke_token(token: Token, *, credentials: Mapping[str, str] | str | None = None, base_url: str | None = None) -> None:
    """Async twin of :func:`revoke_token`."""
    await default_client().arevoke_token(token, credentials=credentials, base_url=base_url)
