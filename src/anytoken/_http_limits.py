"""Limits on one HTTP attempt: the per-call timeout and deadline (context variables read by request hooks,
so one pooled client serves calls with different limits) and the response size cap (transport wrappers
that refuse a body above the limit without reading it whole)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import httpx

from ._context import call_deadline, call_timeout

__all__ = [
    "AsyncLimitedTransport",
    "DeadlineReachedError",
    "LimitedTransport",
    "ResponseTooLargeError",
    "call_deadline",
    "call_timeout",
]


class DeadlineReachedError(Exception):
    """The call's deadline passed while a response was still arriving (e.g. a slow drip)."""


def _check_deadline() -> None:
    deadline = call_deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise DeadlineReachedError("deadline passed while reading the response")


class ResponseTooLargeError(Exception):
    """The response body is larger than the configured limit; it was not read whole."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"response body larger than {limit} bytes")
        self.limit = limit


# -- response size limit -------------------------------------------------------------------------


def _declared_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class _CappedStream(httpx.SyncByteStream):
    __slots__ = ("_inner", "_limit")

    def __init__(self, inner: httpx.SyncByteStream, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        for chunk in self._inner:
            seen += len(chunk)
            _check_deadline()
            if seen > self._limit:
                raise ResponseTooLargeError(self._limit)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncCappedStream(httpx.AsyncByteStream):
    __slots__ = ("_inner", "_limit")

    def __init__(self, inner: httpx.AsyncByteStream, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            _check_deadline()
            if seen > self._limit:
                raise ResponseTooLargeError(self._limit)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class LimitedTransport(httpx.BaseTransport):
    """Wraps a transport; refuses bodies above ``limit`` bytes without reading them whole. Closes the inner
    transport only if ``owned`` (a transport the caller passed stays the caller's)."""

    def __init__(self, inner: httpx.BaseTransport, limit: int, *, owned: bool = True) -> None:
        self.inner = inner
        self.limit = limit
        self.owned = owned

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        length = _declared_length(response)
        if length is not None and length > self.limit:
            response.close()
            raise ResponseTooLargeError(self.limit)
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _CappedStream(response.stream, self.limit)
        return response

    def close(self) -> None:
        if self.owned:
            self.inner.close()


class AsyncLimitedTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, limit: int, *, owned: bool = True) -> None:
        self.inner = inner
        self.limit = limit
        self.owned = owned

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        length = _declared_length(response)
        if length is not None and length > self.limit:
            await response.aclose()
            raise ResponseTooLargeError(self.limit)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _AsyncCappedStream(response.stream, self.limit)
        return response

    async def aclose(self) -> None:
        if self.owned:
            await self.inner.aclose()
