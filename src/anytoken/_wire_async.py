"""The asynchronous wire client: aiohttp's connector and C parser, no httpx object per request.

One :class:`AsyncWireClient` serves one pool of one event loop (``HttpPools`` keeps them per loop). It hands
the generated ``asyncio_detailed`` functions what they read of ``httpx.AsyncClient.request``; the request goes
straight to one ``aiohttp.ClientSession`` (created in the loop on first use) with pre-merged headers, and
the answer comes back as a :class:`~anytoken._wire.WireResponse`. Guarantees, as on the sync wire path:

* **timeouts**: the phase timeout for the pool wait, connect and every socket read, and ``total`` cut to the
  call's deadline (the core also bounds each attempt with ``asyncio.timeout``), so a slow drip ends there;
* **size cap**: a declared Content-Length above the cap is refused unread; a chunked body stops at the cap;
* **errors** mapped as in ``_aiohttp_transport`` (``_mapped``): could the request have been sent?
* **keep-alive**: aiohttp's connector, at most ``max_connections`` in use (``keepalive_timeout`` 5 s);
* **TLS** with the process's one verifying context; a ``DummyCookieJar`` (no cookies); ``trust_env=False``
  (the pools send through httpx when a proxy applies).
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any

import aiohttp
import httpx
from yarl import URL

from ._aiohttp_transport import _mapped
from ._http_limits import DeadlineReachedError, ResponseTooLargeError
from ._wire import (
    _BODY_METHODS,
    SUPPORTED_KWARGS,
    WireBase,
    WireHeaders,
    WireResponse,
    check_header,
    decode_content,
    encode_body,
    left,
    phase_timeout,
    target_for,
)

__all__ = ["AsyncWireClient"]

_URL_CACHE = 512


class AsyncWireClient(WireBase):
    """What a generated client needs of ``httpx.AsyncClient``: ``await request(method, url, **kwargs)``."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._origin = f"{self._parts.scheme}://{self._parts.netloc}"
        del self._static["host"]  # aiohttp writes Host itself
        self._ssl: ssl.SSLContext | bool = self._ssl_context if self._ssl_context is not None else True
        self._session: aiohttp.ClientSession | None = None
        self._urls: dict[str, URL] = {}
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}

    def _get_session(self) -> aiohttp.ClientSession:
        session = self._session
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(limit=self._max_connections, limit_per_host=0, keepalive_timeout=self._expiry, ssl=self._ssl)
            session = self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # decoded with the size cap applied (_wire.decode_content)
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
            )
        return session

    def _client_timeout(self, seconds: float, deadline: float | None) -> aiohttp.ClientTimeout:
        if deadline is not None:
            remaining = left(seconds, deadline)
            return aiohttp.ClientTimeout(total=left(3600.0, deadline), connect=remaining, sock_connect=remaining, sock_read=remaining)
        cached = self._timeouts.get(seconds)
        if cached is None:
            cached = self._timeouts[seconds] = aiohttp.ClientTimeout(total=None, connect=seconds, sock_connect=seconds, sock_read=seconds)
        return cached

    # -- the surface the generated code uses --------------------------------------------------------

    async def request(self, method: str, url: str, **kwargs: Any) -> Any:
        if not SUPPORTED_KWARGS.issuperset(kwargs):
            return await self._fallback().request(method, url, **kwargs)
        params = kwargs.get("params")
        target = target_for(self._prefix, url, params)
        encoded = encode_body(kwargs) if target is not None else None
        if target is None or encoded is None:
            return await self._fallback().request(method, url, **kwargs)
        body, ctype = encoded
        method = method.upper()
        headers = self._headers(kwargs.get("headers"), ctype)
        if self.closed:
            raise httpx.ConnectError("the client's connection pool is closed")
        response = await self._exchange(method, self._url(target, cache=not params), headers, body)
        self._remember(response)
        return response

    async def aclose(self) -> None:
        self.closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def close(self) -> None:
        """Sync close: only marks the client closed (its connections belong to an event loop: ``aclose``)."""
        self.closed = True

    # -- request -----------------------------------------------------------------------------------

    def _url(self, target: str, *, cache: bool) -> URL:
        found = self._urls.get(target)
        if found is None:
            found = URL(self._origin + target, encoded=True)
            if cache and len(self._urls) < _URL_CACHE:
                self._urls[target] = found
        return found

    def _headers(self, headers: Mapping[str, str] | None, ctype: str | None) -> dict[str, str]:
        merged = dict(self._static)
        if headers:
            for k, v in headers.items():
                check_header(k, v)
                merged[k.lower()] = v
        if ctype is not None and "content-type" not in merged:
            merged["content-type"] = ctype
        return merged

    async def _exchange(self, method: str, url: URL, headers: dict[str, str], body: bytes) -> WireResponse:
        seconds, deadline = phase_timeout(self._timeout)
        timeout = self._client_timeout(seconds, deadline)
        session = self._get_session()
        data = body if body or method in _BODY_METHODS else None
        with _mapped(None):
            resp = await session.request(method, url, headers=headers, data=data, allow_redirects=False, timeout=timeout, compress=None)
            try:
                length = resp.content_length
                if length is not None and length > self._limit:
                    resp.close()
                    raise ResponseTooLargeError(self._limit)
                content = await resp.read() if length is not None else await self._capped(resp, deadline)
                out = WireHeaders.of_raw(resp.raw_headers)
                status = resp.status
            finally:
                resp.release()
        coding = out.get("content-encoding")
        if coding:
            content = decode_content(content, coding, self._limit)
        return WireResponse(status, out, content)

    async def _capped(self, resp: aiohttp.ClientResponse, deadline: float | None) -> bytes:
        import time

        chunks: list[bytes] = []
        seen = 0
        while True:
            chunk = await resp.content.readany()
            if not chunk:
                return b"".join(chunks)
            seen += len(chunk)
            if seen > self._limit:
                resp.close()
                raise ResponseTooLargeError(self._limit)
            if deadline is not None and time.monotonic() > deadline:
                resp.close()
                raise DeadlineReachedError("deadline passed while reading the response")
            chunks.append(chunk)
