"""Auth objects for HTTP clients: a token from ``get_token`` on every request, refreshed by itself.

::

    httpx.Client(auth=HttpxAuth("quadrata"))
    httpx.AsyncClient(auth=HttpxAuth("clerk", kind="m2m", allow_persistent=True))
    requests.get(url, auth=RequestsAuth("qrvey", kind="admin"))      # pip install "anytoken[requests]"

Tokens come from :meth:`Client.get_token <anytoken.Client.get_token>` (cached, refreshed inside the refresh
windows, one mint per key however many requests ask). Each is attached the way its provider's API expects:
the kind's declared ``auth_header`` / ``auth_scheme`` (``Authorization: Bearer <token>`` unless the plugin
says otherwise: Unleash sends the bare secret, Qrvey admin ``jwt <token>``).

When the API answers 401, or ``WWW-Authenticate: Bearer error="invalid_token"``, the token is dropped from
the cache (only that token: a newer one another request already minted stays), a new one is taken, and the
request is replayed once if its body can be sent again (bytes, not a stream); otherwise the rejection is
returned and the next request uses the new token. Kinds whose minting creates a persistent resource (an
Unleash API token, a Clerk M2M token) need ``allow_persistent=True``, as for ``get_token``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ._token_source import TokenSource, rejected
from .errors import UsageError

if TYPE_CHECKING:
    from ._requests_auth import RequestsAuth
    from .client import Client
    from .retry import RetryPolicy

__all__ = ["HttpxAuth", "RequestsAuth"]


def _replayable(request: httpx.Request) -> bool:
    return isinstance(request.stream, httpx.ByteStream) or hasattr(request, "_content")


class HttpxAuth(TokenSource, httpx.Auth):
    """An ``httpx.Auth`` for ``httpx.Client`` and ``httpx.AsyncClient`` (module docstring).

    :param provider: the provider, as for ``create_token``.
    :param kind: the token kind (default: the provider's first).
    :param client: the :class:`~anytoken.Client` whose cache and pools serve the tokens (default: the
        process-wide one of ``anytoken.get_token``).
    :param allow_persistent: allow kinds whose minting creates a resource at the provider.
    :param params: the parameters of ``create_token``, ``credentials=``, ``base_url=``, ``timeout=`` and
        ``retry=`` among them.
    """

    def __init__(
        self,
        provider: str,
        *,
        kind: str | None = None,
        client: Client | None = None,
        allow_persistent: bool = False,
        credentials: Mapping[str, str] | str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        **params: Any,
    ) -> None:
        given = {"credentials": credentials, "base_url": base_url, "timeout": timeout, "retry": retry}
        super().__init__(
            provider,
            kind=kind,
            client=client,
            allow_persistent=allow_persistent,
            **{k: v for k, v in given.items() if v is not None},
            **params,
        )

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.get()
        request.headers[self.header] = self.value(token)
        response = yield request
        if not rejected(response.status_code, response.headers.get("www-authenticate")):
            return
        self.invalidate(token)
        if not _replayable(request):
            return
        request.headers[self.header] = self.value(self.get())
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.aget()
        request.headers[self.header] = self.value(token)
        response = yield request
        if not rejected(response.status_code, response.headers.get("www-authenticate")):
            return
        await self.ainvalidate(token)
        if not _replayable(request):
            return
        request.headers[self.header] = self.value(await self.aget())
        yield request


def __getattr__(name: str) -> Any:
    if name == "RequestsAuth":
        try:
            from ._requests_auth import RequestsAuth
        except ImportError as exc:
            if exc.name != "requests":
                raise
            raise UsageError('RequestsAuth needs requests: pip install "anytoken[requests]"') from None
        globals()["RequestsAuth"] = RequestsAuth
        return RequestsAuth
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
