"""Revocation: ``Client.revoke_token`` / ``Client.arevoke_token`` (mixed into the client).

The flow mirrors minting: resolve the token's provider and kind → resolve credentials and base URL as a mint
would → call the ``revoke_token`` hook (``arevoke_token`` for async) under the client's retry policy
(revoking is idempotent: transient failures are retried) → translate failures into the error tree → drop
every cached copy of the token (the client's cache: memory, Redis or file backend).

A hook that answers ``None`` ("not mine") for every plugin means the kind cannot be revoked:
:class:`~anytoken.errors.NotRevocableError`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from ._attempts import arun_attempts, remaining, run_attempts
from ._failures import give_up_or_wait, plugin_error
from .errors import AnytokenError, NotFoundError, NotRevocableError, UsageError
from .retry import check_retry
from .tokens import RevokeRequest, Token

if TYPE_CHECKING:
    from ._secrets import Secret
    from .cache import TokenCache
    from .declarations import ProviderInfo, TokenKind
    from .plugins import Registry
    from .retry import Attempt, RetryPolicy

__all__ = ["RevokingMixin"]


class _ClientLike(Protocol):
    """What the mixin uses of :class:`~anytoken.Client` (for the type checker)."""

    registry: Registry
    retry: RetryPolicy
    allow_insecure_http: bool

    @property
    def pools(self) -> Any: ...

    def _base_url(self, info: ProviderInfo, explicit: str | None, environment: str | None) -> str: ...

    def _resolve_credentials(self, info: ProviderInfo, kind: TokenKind, explicit: Mapping[str, str] | str | None) -> dict[str, Secret]: ...

    def _translate(self, exc: Exception, request: Any) -> Attempt: ...


def _not_revocable(token: Token) -> NotRevocableError:
    return NotRevocableError(
        "this kind of token cannot be revoked: no installed plugin offers revocation for it (the token stays valid until it expires)",
        provider=token.provider,
        kind=token.kind,
    )


class RevokingMixin:
    """``revoke_token`` / ``arevoke_token`` for a client with a registry, credentials and pools."""

    def prepare_revoke(
        self: Any,
        token: Token,
        *,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
    ) -> RevokeRequest:
        """Build the :class:`~anytoken.RevokeRequest` for ``token`` without touching the network."""
        self._check_open()
        if not isinstance(token, Token):
            raise UsageError(f"revoke_token needs the Token that create_token returned, not a {type(token).__name__}")
        client: _ClientLike = self
        info = client.registry.provider(token.provider)
        kind_info = info.kind(token.kind)
        environment = None
        if info.env_param and isinstance(token.metadata.get(info.env_param), str):
            environment = str(token.metadata[info.env_param])
        from ._http import check_base_url
        from ._http_session import HttpSession

        derived = info.base_url_from(token.metadata) if info.base_url_from is not None and base_url is None else None
        url = check_base_url(
            derived or client._base_url(info, base_url, environment), provider=info.name, allow_insecure_http=client.allow_insecure_http
        )
        creds = client._resolve_credentials(info, kind_info, credentials)
        return RevokeRequest(
            token=token,
            credentials=creds,
            base_url=url,
            http=HttpSession(client.pools, url),
            info=info,
            kind_info=kind_info,
            environment=environment,
        )

    def revoke_token(
        self: Any,
        token: Token,
        *,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Revoke ``token`` at its provider and drop every cached copy of it.

        Credentials and base URL resolve as for a mint (the key that minted the token is the one to pass).
        Raises :class:`~anytoken.errors.NotRevocableError` for a kind that cannot be revoked.
        """
        request: RevokeRequest = self.prepare_revoke(token, credentials=credentials, base_url=base_url)
        caller = self.registry.hook_caller(request.provider, "revoke_token")
        policy = check_retry(retry) or self.retry
        deadline = time.monotonic() + policy.deadline if policy.deadline is not None else None

        def once() -> object:
            with request.http.call():  # the pools it uses stay open until the attempt ends
                return caller(request=request)

        result, error, _ = run_attempts(
            once, translate=partial(self._translate, request=request), decide=_decider(policy, deadline), timeout=None, deadline=deadline
        )
        if error is not None:
            _raise_or_forget(self, error, token)
        _check_revoked(self, request, result)
        self._forget_everywhere(token)

    async def arevoke_token(
        self: Any,
        token: Token,
        *,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Async twin of :meth:`revoke_token`."""
        request: RevokeRequest = self.prepare_revoke(token, credentials=credentials, base_url=base_url)
        caller = self.registry.hook_caller(request.provider, "arevoke_token")
        policy = check_retry(retry) or self.retry
        deadline = time.monotonic() + policy.deadline if policy.deadline is not None else None

        async def once() -> object:
            async with request.http.acall():
                awaitable = caller(request=request)
                if awaitable is None:
                    return None
                async with asyncio.timeout(remaining(deadline)):
                    return await awaitable

        result, error, _ = await arun_attempts(
            once, translate=partial(self._translate, request=request), decide=_decider(policy, deadline), timeout=None, deadline=deadline
        )
        if error is not None:
            await _araise_or_forget(self, error, token)
        _check_revoked(self, request, result)
        await self._aforget_everywhere(token)

    # -- cached copies ------------------------------------------------------------------------------

    def _forget_everywhere(self: Any, token: Token) -> None:
        cache: TokenCache | None = self.__dict__.get("_cache")
        if cache is not None:
            cache.discard(token)

    async def _aforget_everywhere(self: Any, token: Token) -> None:
        cache: TokenCache | None = self.__dict__.get("_cache")
        if cache is not None:
            await cache.adiscard(token)


def _decider(policy: RetryPolicy, deadline: float | None) -> Callable[[Attempt, int], tuple[AnytokenError | None, float]]:
    """Revoking is idempotent: retried as the policy says, under its deadline."""
    return lambda failure, attempt: give_up_or_wait(failure, attempt, policy, deadline)


def _raise_or_forget(client: Any, error: AnytokenError, token: Token) -> None:
    """A 404 means the token is already gone at the provider: its cached copies go too, and it is reported."""
    if isinstance(error, NotFoundError):
        client._forget_everywhere(token)
    raise error


async def _araise_or_forget(client: Any, error: AnytokenError, token: Token) -> None:
    if isinstance(error, NotFoundError):
        await client._aforget_everywhere(token)
    raise error


def _check_revoked(client: Any, request: RevokeRequest, result: object) -> None:
    if result is None:
        raise _not_revocable(request.token)
    if result is not True:
        raise plugin_error(client.registry, request, f"revoke_token returned {type(result).__name__}, not True")
