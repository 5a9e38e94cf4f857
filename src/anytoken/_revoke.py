"""Revocation: what ``Client.revoke_token`` / ``Client.arevoke_token`` do, composed into the client (:class:`Revoker`).

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
from typing import TYPE_CHECKING

from ._attempts import arun_attempts, remaining, run_attempts
from ._failures import give_up_or_wait, plugin_error, translate
from .errors import AnytokenError, NotFoundError, NotRevocableError
from .retry import check_retry

if TYPE_CHECKING:
    from ._prepare import RequestBuilder
    from .cache import TokenCache
    from .retry import Attempt, RetryPolicy
    from .tokens import RevokeRequest, Token

__all__ = ["Revoker"]


def _not_revocable(token: Token) -> NotRevocableError:
    return NotRevocableError(
        "this kind of token cannot be revoked: no installed plugin offers revocation for it (the token stays valid until it expires)",
        provider=token.provider,
        kind=token.kind,
    )


class Revoker:
    """Revocation for a Client, composed into it (``Client._revoker``).

    :param builder: the Client's request builder (the token's provider, credentials, base URL).
    :param default_retry: the Client's retry policy, read at call time.
    :param cache: the Client's token cache if one was built (a Client that never cached has no copies to drop).
    """

    __slots__ = ("_builder", "_cache", "_default_retry")

    def __init__(self, builder: RequestBuilder, default_retry: Callable[[], RetryPolicy], cache: Callable[[], TokenCache | None]) -> None:
        self._builder = builder
        self._default_retry = default_retry
        self._cache = cache

    def _start(
        self, request: RevokeRequest, retry: RetryPolicy | None
    ) -> tuple[Callable[[Exception], Attempt], Callable[[Attempt, int], tuple[AnytokenError | None, float]], float | None]:
        """The translation, the retry verdicts (revoking is idempotent: retried as the policy says) and the deadline."""
        policy = check_retry(retry) or self._default_retry()
        deadline = time.monotonic() + policy.deadline if policy.deadline is not None else None
        registry = self._builder.registry
        return (
            partial(translate, request=request, registry=registry),
            lambda failure, attempt: give_up_or_wait(failure, attempt, policy, deadline),
            deadline,
        )

    def revoke(
        self,
        token: Token,
        *,
        credentials: Mapping[str, str] | str | None,
        base_url: str | None,
        timeout: float | None,
        retry: RetryPolicy | None,
    ) -> None:
        """Revoke ``token`` at its provider and drop every cached copy of it."""
        request = self._builder.prepare_revoke(token, credentials=credentials, base_url=base_url)
        caller = self._builder.registry.hook_caller(request.provider, "revoke_token")
        translated, decide, deadline = self._start(request, retry)

        def once() -> object:
            with request.http.call():  # the pools it uses stay open until the attempt ends
                return caller(request=request)

        result, error, _ = run_attempts(once, translate=translated, decide=decide, timeout=timeout, deadline=deadline)
        if error is not None:
            if isinstance(error, NotFoundError):  # already gone at the provider: its cached copies go too
                self._forget(token)
            raise error
        self._check_revoked(request, result)
        self._forget(token)

    async def arevoke(
        self,
        token: Token,
        *,
        credentials: Mapping[str, str] | str | None,
        base_url: str | None,
        timeout: float | None,
        retry: RetryPolicy | None,
    ) -> None:
        """Async twin of :meth:`revoke`."""
        request = self._builder.prepare_revoke(token, credentials=credentials, base_url=base_url)
        caller = self._builder.registry.hook_caller(request.provider, "arevoke_token")
        translated, decide, deadline = self._start(request, retry)

        async def once() -> object:
            async with request.http.acall():
                awaitable = caller(request=request)
                if awaitable is None:
                    return None
                async with asyncio.timeout(remaining(deadline)):
                    return await awaitable

        result, error, _ = await arun_attempts(once, translate=translated, decide=decide, timeout=timeout, deadline=deadline)
        if error is not None:
            if isinstance(error, NotFoundError):
                await self._aforget(token)
            raise error
        self._check_revoked(request, result)
        await self._aforget(token)

    def _check_revoked(self, request: RevokeRequest, result: object) -> None:
        if result is None:
            raise _not_revocable(request.token)
        if result is not True:
            raise plugin_error(self._builder.registry, request, f"revoke_token returned {type(result).__name__}, not True")

    def _forget(self, token: Token) -> None:
        cache = self._cache()
        if cache is not None:
            cache.discard(token)

    async def _aforget(self, token: Token) -> None:
        cache = self._cache()
        if cache is not None:
            await cache.adiscard(token)
