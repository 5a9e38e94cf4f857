"""The async clients a worker process runs: anytoken's rows, raw httpx / aiohttp, a hand-rolled asyncio floor, the SDKs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from _clients import ANYTOKEN_ENVS, AsyncMint, Json, Replay, _aiohttp_transport, _anytoken_client, _canned, _check_status, _clerk, _mod

# -- async implementations ----------------------------------------------------------------------------


class RawAsyncPool:
    """A hand-rolled asyncio HTTP/1.1 keep-alive client (Content-Length bodies only): the async floor."""

    def __init__(self, rq: Replay) -> None:
        self.rq = rq
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def request(self) -> bytes:
        rq = self.rq
        conn = self.idle.pop() if self.idle else await asyncio.open_connection(rq.host, rq.port)
        reader, writer = conn
        head = f"{rq.method} {rq.target} HTTP/1.1\r\nHost: {rq.host}:{rq.port}\r\nContent-Length: {len(rq.body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in rq.fresh_headers().items())
        writer.write(head.encode("latin-1") + b"\r\n" + rq.body)
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await reader.readexactly(length) if length else b""
        self.idle.append(conn)
        _check_status(status, body)
        return body

    async def close(self) -> None:
        for _, w in self.idle:
            w.close()


async def async_impl(cfg: Json) -> tuple[AsyncMint, Callable[[], Awaitable[None]]]:
    impl: str = cfg["impl"]
    target = cfg["target"]
    if impl in ANYTOKEN_ENVS or impl == "anytoken-noio":
        client = _anytoken_client(cfg, env=ANYTOKEN_ENVS.get(impl, {}))
        if impl == "anytoken-noio":
            _canned(cfg, client, True)
        provider, kind, params = target["provider"], target["kind"], target["params"]

        async def mint() -> object:
            return await client.acreate_token(provider, kind=kind, **params)

        async def close() -> None:
            await client.aclose()

        return mint, close
    rq = Replay(target["requests"][-1]) if target.get("requests") else None
    if impl in ("httpx", "httpx+aiohttp", "httpx-limits100"):
        import httpx

        assert rq is not None
        transport = _aiohttp_transport() if impl == "httpx+aiohttp" else None
        if impl == "httpx-limits100":  # the limits anytoken's HttpPools uses: 100 connections, all kept alive
            transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=100, max_keepalive_connections=100))
        ac = httpx.AsyncClient(transport=transport)

        async def mint_httpx() -> object:
            r = await ac.request(rq.method, rq.url, headers=rq.fresh_headers(), content=rq.body)
            _check_status(r.status_code, r.content)
            return r.text

        return mint_httpx, ac.aclose
    if impl == "aiohttp":
        aiohttp = _mod("aiohttp")
        assert rq is not None
        session = aiohttp.ClientSession()

        async def mint_aiohttp() -> object:
            async with session.request(rq.method, rq.url, headers=rq.fresh_headers(), data=rq.body) as r:
                body = await r.read()
                _check_status(r.status, body)
                return body.decode()

        return mint_aiohttp, session.close
    if impl == "raw-asyncio":
        assert rq is not None
        pool = RawAsyncPool(rq)
        return pool.request, pool.close
    if impl == "telnyx-sdk":
        telnyx = _mod("telnyx")
        sdk = telnyx.AsyncTelnyx(api_key=target["sdk"]["api_key"], base_url=target["base_url"], max_retries=0)
        cred_id = target["sdk"]["credential_id"]

        async def mint_telnyx() -> object:
            return await sdk.telephony_credentials.create_token(cred_id)

        return mint_telnyx, sdk.close
    if impl == "clerk-sdk":
        sdk, call = _clerk(cfg)

        async def mint_clerk() -> object:
            return await call(sdk, True)

        async def noop() -> None:
            return None

        return mint_clerk, noop
    raise SystemExit(f"unknown async impl {impl!r}")
