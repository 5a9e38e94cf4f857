"""An httpx transport on aiohttp, for async minting at high concurrency.

httpx's own async pool spends most of its CPU in httpcore's bookkeeping (encode/httpx#3215): aiohttp's
connector does the same work several times cheaper. The generated clients keep talking httpx; only the
transport underneath changes.

Exceptions are mapped with the one distinction the core's retry rules depend on — did the request
possibly reach the server? — which the generic ``httpx-aiohttp`` mapping loses (it reports a server that
dropped the connection after the request as ``ConnectTimeout``, i.e. "never sent", inviting a blind retry
of a resource-creating POST):

=====================================  ==========================  =========
aiohttp                                httpx                       sent?
=====================================  ==========================  =========
ClientConnectorError (DNS, refused)     ConnectError                no
ConnectionTimeoutError                 ConnectTimeout              no
SocketTimeoutError, asyncio timeout    ReadTimeout                 maybe
ServerDisconnectedError                RemoteProtocolError         maybe
ClientPayloadError                     ReadError                   maybe
any other ClientError / OSError        ReadError                   maybe
=====================================  ==========================  =========

Used by default for async calls when aiohttp is installed (``pip install "anytoken[fast]"``);
``ANYTOKEN_ASYNC_TRANSPORT=httpx`` keeps httpx's own.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import httpx
from yarl import URL

__all__ = ["AiohttpTransport", "available"]

_CHUNK = 64 * 1024


def available() -> bool:
    return True  # importing this module succeeded


@contextmanager
def _mapped(request: httpx.Request | None) -> Iterator[None]:
    try:
        yield
    except aiohttp.ClientConnectorError as exc:  # DNS failure, connection refused: nothing was sent
        raise httpx.ConnectError(f"could not connect ({type(exc).__name__})", request=request) from None
    except aiohttp.ConnectionTimeoutError:
        raise httpx.ConnectTimeout("connect timed out", request=request) from None
    except (TimeoutError, aiohttp.SocketTimeoutError, aiohttp.ServerTimeoutError):
        raise httpx.ReadTimeout("read timed out", request=request) from None
    except aiohttp.ServerDisconnectedError:
        raise httpx.RemoteProtocolError("server disconnected without sending a complete response", request=request) from None
    except aiohttp.ClientPayloadError:
        raise httpx.ReadError("the response body was cut short", request=request) from None
    except (aiohttp.ClientError, OSError) as exc:
        raise httpx.ReadError(f"connection failed ({type(exc).__name__})", request=request) from None


class _Body(httpx.AsyncByteStream):
    __slots__ = ("_request", "_response")

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped(self._request):
            async for chunk in self._response.content.iter_chunked(_CHUNK):
                yield chunk

    async def aclose(self) -> None:
        self._response.release()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """One aiohttp session (created in the running event loop on first use) behind httpx's interface."""

    def __init__(self, *, limits: httpx.Limits | None = None, ssl_context: ssl.SSLContext | None = None) -> None:
        self._limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._ssl: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
        self._session: aiohttp.ClientSession | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._limits.max_connections or 0,
                limit_per_host=0,
                keepalive_timeout=self._limits.keepalive_expiry or 5.0,
                enable_cleanup_closed=True,
                ssl=self._ssl,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # httpx decodes Content-Encoding itself
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout: dict[str, Any] = request.extensions.get("timeout") or {}
        client_timeout = aiohttp.ClientTimeout(
            total=None,
            connect=timeout.get("pool"),
            sock_connect=timeout.get("connect"),
            sock_read=timeout.get("read"),
        )
        body = await request.aread()
        session = self._get_session()
        with _mapped(request):
            response = await session.request(
                request.method,
                URL(str(request.url), encoded=True),
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
                data=body or None,
                allow_redirects=False,
                timeout=client_timeout,
                compress=None,
            )
        return httpx.Response(
            response.status,
            headers=[(k, v) for k, v in response.raw_headers],
            stream=_Body(response, request),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode("latin-1", "replace")},
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
