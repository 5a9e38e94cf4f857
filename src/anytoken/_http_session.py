"""``request.http``: the view of a Client's HTTP pools that a plugin gets (clients bound to one base URL).

Apart from :mod:`anytoken._http` so that the request types (``tokens``) can name it without reaching the pools."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from ._http import HttpPools

__all__ = ["HttpSession"]


class HttpSession:
    """The view of the pools a plugin gets as ``request.http``: clients bound to the request's base URL."""

    __slots__ = ("_pools", "base_url")

    def __init__(self, pools: HttpPools, base_url: str) -> None:
        self._pools = pools
        self.base_url = base_url

    def sync_client(self, headers: Mapping[str, str] | None = None) -> httpx.Client:
        """A pooled ``httpx.Client`` for the base URL sending ``headers`` (e.g. the auth header)."""
        return self._pools.sync_client(self.base_url, headers or {})

    def async_client(self, headers: Mapping[str, str] | None = None) -> httpx.AsyncClient:
        """A pooled ``httpx.AsyncClient`` (per running event loop) for the base URL sending ``headers``."""
        return self._pools.async_client(self.base_url, headers or {})

    def generated_client(self, headers: Mapping[str, str] | None = None) -> Any:
        """The client a generated ``sync_detailed`` runs on (:class:`GeneratedProvider` sets it): a wire
        client offering ``request(method, url, **kwargs)``, or the pooled ``httpx.Client``."""
        return self._pools.generated_sync_client(self.base_url, headers or {})

    def generated_async_client(self, headers: Mapping[str, str] | None = None) -> Any:
        """The async twin of :meth:`generated_client` (per running event loop)."""
        return self._pools.generated_async_client(self.base_url, headers or {})

    def at(self, base_url: str) -> HttpSession:
        """The same pools bound to another base URL (e.g. a token endpoint found by discovery)."""
        return HttpSession(self._pools, base_url)

    def call(self) -> AbstractContextManager[None]:
        """Scope of one sync attempt (used by the Client): pools it uses are not closed under it."""
        return self._pools.call()

    def acall(self) -> AbstractAsyncContextManager[None]:
        """Scope of one async attempt (used by the Client)."""
        return self._pools.acall()

    def __repr__(self) -> str:
        return f"HttpSession({self.base_url!r})"
