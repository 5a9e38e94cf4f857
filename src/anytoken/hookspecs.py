"""The hooks of anytoken (pluggy project name ``anytoken``).

A provider plugin implements :func:`anytoken_providers` (declare, cheaply), :func:`create_token` and
:func:`acreate_token` (mint). Any plugin may implement :func:`anytoken_audit` to receive one event per mint
attempt. The tooling's hooks (the sandbox's ``anytoken_sandbox_providers``) are specified by the devkit in
:mod:`anytoken.devkit.hookspecs`, never here: the runtime knows nothing of the tooling (docs/hooks.md).

A plugin may implement :func:`revoke_token` and :func:`arevoke_token` to revoke what it minted.

Hooks in the ``create_token`` and ``revoke_token`` families are ``firstresult``: a plugin returns ``None`` for requests that are not
for one of its providers ("None means not mine"). Cross-cutting behaviour (metrics, tracing) fits as
``wrapper=True`` hookimpls around ``create_token``; retries and deadlines are the core's job (they must know
whether minting is idempotent) and happen around the hook call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .audit import AuditEvent
    from .declarations import ProviderInfo
    from .tokens import RevokeRequest, Token, TokenRequest

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "anytoken"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def anytoken_providers() -> Iterable[ProviderInfo]:
    """Declare the providers this plugin serves.

    Must not touch the network or import heavy modules (generated clients, httpx): it runs for
    ``anytoken providers`` and before the first call.

    :return: the plugin's provider declarations.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def create_token(request: TokenRequest) -> Token | None:
    """Mint one token, synchronously.

    :param request: the validated request; ``request.provider`` says which provider it is for.
    :return: the :class:`~anytoken.Token`, or ``None`` when the provider is not this plugin's.
    :raises anytoken.errors.ProviderError: for provider failures (use ``anytoken.provider.expect``).
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def acreate_token(request: TokenRequest) -> Awaitable[Token] | None:
    """Mint one token with real async I/O.

    :param request: as for :func:`create_token`.
    :return: an awaitable (a coroutine) resolving to the :class:`~anytoken.Token`, or ``None`` when the
        provider is not this plugin's. The coroutine must do its I/O on ``request.http``'s async client.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def revoke_token(request: RevokeRequest) -> bool | None:
    """Revoke (delete) one minted token at its provider, synchronously.

    :param request: the token (``request.token``: its ``id`` and ``metadata`` name the resource) with the
        resolved credentials, base URL and pooled HTTP session.
    :return: ``True`` once the provider revoked it, or ``None`` when the token is not this plugin's or its
        kind cannot be revoked ("None means not mine": the core then raises
        :class:`~anytoken.errors.NotRevocableError`).
    :raises anytoken.errors.NotRevocableError: for a token of this plugin that cannot be revoked, saying why.
    :raises anytoken.errors.ProviderError: for provider failures (``anytoken.provider.expect``).
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def arevoke_token(request: RevokeRequest) -> Awaitable[bool] | None:
    """Revoke one minted token with real async I/O.

    :param request: as for :func:`revoke_token`.
    :return: an awaitable (a coroutine) resolving to ``True``, or ``None`` when the token is not this
        plugin's or cannot be revoked. The coroutine must do its I/O on ``request.http``'s async client.
    """
    raise NotImplementedError


@hookspec
def anytoken_audit(event: AuditEvent) -> None:
    """Receive one audit event per mint attempt, success or failure.

    :param event: what happened; it never holds a secret (credentials appear as fingerprints).
        Implementations must be fast and must not raise; exceptions are logged and swallowed.
    """
