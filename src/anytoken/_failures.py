"""The exception boundary of a call: any exception of an attempt becomes an error of the tree
(:func:`translate`), and :func:`give_up_or_wait` decides between raising it and trying again.

Transport exceptions are mapped like httpx's ``map_httpcore_exceptions``: ``sent=False`` only when the request
provably never reached the server, so the retry policy knows whether a non-idempotent mint may be repeated.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

from .errors import (
    AmbiguousMintError,
    AnytokenError,
    DeadlineExceededError,
    MalformedResponseError,
    PluginError,
    ProviderError,
    ProviderUnavailableError,
)
from .retry import Attempt, RetryPolicy, classify

if TYPE_CHECKING:
    from .plugins import Registry
    from .tokens import RevokeRequest, TokenRequest

__all__ = ["give_up_or_wait", "plugin_error", "translate", "translate_exception"]


def translate(exc: Exception, request: TokenRequest | RevokeRequest, registry: Registry) -> Attempt:
    """Map any exception of an attempt into the error tree (the one translation boundary)."""
    attempt = translate_exception(exc, request)
    if attempt is not None:
        return attempt
    # the exception's own text is not shown: a plugin bug may format a minted token (not a request secret,
    # so scrub() could not catch it) into it; where it was raised is enough to find the bug
    return Attempt(plugin_error(registry, request, f"the plugin raised {type(exc).__name__}{_raised_at(exc)}"), sent=True)


def plugin_error(registry: Registry, request: TokenRequest | RevokeRequest, message: str) -> PluginError:
    """A :class:`PluginError` naming the plugin (entry point and distribution) that serves the request."""
    rec = registry.plugin_of(request.provider)
    return PluginError(
        message,
        plugin=rec.value if rec else None,
        distribution=rec.distribution if rec else None,
        provider=request.provider,
        kind=request.kind,
    )


def give_up_or_wait(
    failure: Attempt,
    attempt: int,
    policy: RetryPolicy,
    deadline: float | None,
    *,
    idempotent: bool = True,
    persistent: TokenRequest | None = None,
) -> tuple[AnytokenError | None, float]:
    """(error to raise, 0) or (None, seconds to wait before the next attempt).

    ``persistent``: the request, when minting creates a resource at the provider: an ambiguous failure (it may
    have been created) is then an :class:`AmbiguousMintError`, never retried.
    """
    error = failure.error
    verdict = classify(failure, idempotent=idempotent, policy=policy)
    if persistent is not None and (verdict == "ambiguous" or _created_but_unreadable(error)):
        return _ambiguous(persistent, error), 0.0
    if verdict != "retry" or attempt >= policy.max_attempts:
        return error, 0.0
    wait = policy.wait(attempt, error)
    if wait is None or (deadline is not None and time.monotonic() + wait >= deadline):
        return error, 0.0
    return None, wait


def _raised_at(exc: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" at {os.path.basename(last.filename)}:{last.lineno} in {last.name}"


def _created_but_unreadable(error: AnytokenError) -> bool:
    """A success status whose answer could not be read: the resource exists, its secret is lost."""
    return isinstance(error, MalformedResponseError) and (error.status is None or 200 <= error.status < 300)


def _ambiguous(request: TokenRequest, error: AnytokenError) -> AmbiguousMintError:
    return AmbiguousMintError(
        f"{error.message}; the token may have been created at the provider although no answer came back. "
        "It was not retried, to avoid a duplicate: check for a token created just now and revoke it if unwanted",
        provider=request.provider,
        kind=request.kind,
        status=error.status,
        request_id=error.request_id,
    )


def translate_exception(exc: Exception, request: TokenRequest | RevokeRequest) -> Attempt | None:
    """Map transport and parsing exceptions to anytoken errors; None for anything else (a plugin bug).

    ``sent=False`` only when the request provably never reached the server.
    """
    import httpx

    from ._http import DeadlineReachedError, ResponseTooLargeError, shown_url

    where: dict[str, Any] = {"provider": request.provider, "kind": request.kind}
    if isinstance(exc, AnytokenError):
        if exc.provider is None:
            exc.provider, exc.kind = request.provider, request.kind
        # a plugin may have raised it while handling a third-party exception whose text holds a secret
        exc.__cause__ = exc.__context__ = None
        exc.__suppress_context__ = True
        return Attempt(exc, sent=True)
    if isinstance(exc, httpx.ConnectTimeout | httpx.ConnectError | httpx.PoolTimeout):
        shown = shown_url(request.base_url, path=False)  # its path or query may carry a key
        return Attempt(ProviderUnavailableError(f"could not connect to {shown} ({type(exc).__name__})", **where), sent=False)
    if isinstance(exc, httpx.TimeoutException | TimeoutError | DeadlineReachedError):  # asyncio.TimeoutError is TimeoutError
        return Attempt(DeadlineExceededError("no answer within the timeout", **where), sent=True)
    if isinstance(exc, httpx.TransportError):
        return Attempt(ProviderUnavailableError(f"the connection failed mid-request ({type(exc).__name__})", **where), sent=True)
    if isinstance(exc, ResponseTooLargeError):
        return Attempt(MalformedResponseError(f"the answer is larger than {exc.limit} bytes; refused", **where), sent=True)
    if isinstance(exc, httpx.HTTPError | httpx.InvalidURL | httpx.StreamError):
        return Attempt(ProviderError(f"HTTP error ({type(exc).__name__})", **where), sent=True)
    return None
