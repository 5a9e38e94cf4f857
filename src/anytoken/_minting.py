"""Minting a prepared request: the ``create_token`` hook in the attempt loop (``_attempts``) under the call's
timeout and the policy's deadline, failures translated into the error tree (``_failures``), the result checked
to be a Token of the request's provider and kind, one audit event per call (``audit``).

:class:`Minter` is composed into the :class:`~anytoken.Client` (``Client.mint``, ``create_token`` and a
``get_token`` miss all end here).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from ._attempts import arun_attempts, remaining, run_attempts
from ._failures import give_up_or_wait, plugin_error, translate
from .errors import AnytokenError
from .tokens import RevokeRequest, Token, TokenRequest

if TYPE_CHECKING:
    from ._call import CallOptions
    from .plugins import Registry
    from .retry import Attempt, RetryPolicy

__all__ = ["Minter"]


class Minter:
    """Mints prepared requests for a Client.

    :param registry: the plugin registry (the hook callers of each provider).
    :param default_retry: the Client's retry policy, read at call time.
    :param auditors: built-in auditors (``Client(audit_log=True)``); ``anytoken_audit`` hookimpls are added per call.
    """

    __slots__ = ("_auditors", "_default_retry", "registry")

    def __init__(self, registry: Registry, default_retry: Callable[[], RetryPolicy], auditors: list[Any]) -> None:
        self.registry = registry
        self._default_retry = default_retry
        self._auditors = auditors

    def mint(self, request: TokenRequest, options: CallOptions) -> Token:
        """Run a prepared request through its plugin under the call's options; raise the translated failure."""
        policy = options.retry or self._default_retry()
        create, _ = self.registry.callers(request.provider)
        started = time.monotonic()
        deadline = started + policy.deadline if policy.deadline is not None else None

        def once() -> Token:
            with request.http.call():  # the pools this attempt uses stay open until it ends
                return self._check_result(request, create(request=request))

        token, error, attempts = run_attempts(
            once,
            translate=partial(self._translate, request=request),
            decide=self._decider(request, policy, deadline),
            timeout=options.timeout,
            deadline=deadline,
        )
        self._audit(request, started, attempts, token, error)
        if error is not None:
            raise error  # raised outside any except block: no third-party exception in its context
        assert token is not None
        return token

    async def amint(self, request: TokenRequest, options: CallOptions) -> Token:
        """Async twin of :meth:`mint`; the deadline also bounds each attempt with ``asyncio.timeout``."""
        import asyncio

        policy = options.retry or self._default_retry()
        _, acreate = self.registry.callers(request.provider)
        started = time.monotonic()
        deadline = started + policy.deadline if policy.deadline is not None else None

        async def once() -> Token:
            async with request.http.acall():
                awaitable = acreate(request=request)
                if awaitable is None:
                    return self._check_result(request, None)
                async with asyncio.timeout(remaining(deadline)):
                    result = await awaitable
                return self._check_result(request, result)

        token, error, attempts = await arun_attempts(
            once,
            translate=partial(self._translate, request=request),
            decide=self._decider(request, policy, deadline),
            timeout=options.timeout,
            deadline=deadline,
        )
        self._audit(request, started, attempts, token, error)
        if error is not None:
            raise error
        assert token is not None
        return token

    def _translate(self, exc: Exception, request: TokenRequest | RevokeRequest) -> Attempt:
        """Map any exception of an attempt into the error tree (``_failures.translate``)."""
        return translate(exc, request, self.registry)

    @staticmethod
    def _decider(
        request: TokenRequest, policy: RetryPolicy, deadline: float | None
    ) -> Callable[[Attempt, int], tuple[AnytokenError | None, float]]:
        kind = request.kind_info
        return lambda failure, attempt: give_up_or_wait(
            failure, attempt, policy, deadline, idempotent=kind.idempotent, persistent=request if kind.persistent else None
        )

    def _check_result(self, request: TokenRequest, result: object) -> Token:
        if isinstance(result, Token):
            if result.provider != request.provider or result.kind != request.kind:
                raise plugin_error(
                    self.registry,
                    request,
                    f"returned a {result.provider}/{result.kind} token for a {request.provider}/{request.kind} request",
                )
            return result._mask_also(request.secrets())  # the typed raw answer never prints a credential
        if result is None:
            raise plugin_error(self.registry, request, "no plugin answered create_token for this provider")
        raise plugin_error(self.registry, request, f"create_token returned {type(result).__name__}, not a Token")

    def _audit(self, request: TokenRequest, started: float, attempts: int, token: Token | None, error: AnytokenError | None) -> None:
        impls = self.registry.pm.hook.anytoken_audit.get_hookimpls()
        if not self._auditors and not impls:
            return
        from .audit import deliver, mint_event

        auditors = [*(a.anytoken_audit for a in self._auditors), *(impl.function for impl in impls)]
        deliver(mint_event(request, started, attempts, token, error), auditors)
