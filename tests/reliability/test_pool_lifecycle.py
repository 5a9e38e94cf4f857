"""Pool lifecycle on real sockets (issue 10, defects 1, 2 and 6): many tenants on one Client, a caller's
transport, event loops that end, the default client at interpreter exit, a closed Client."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import anytoken
from anytoken import errors
from anytoken._http import MAX_POOLS, _headers_key
from anytoken.devkit.sandbox import Fault, Sandbox

ROOT = Path(__file__).resolve().parents[2]
TENANTS = MAX_POOLS + 8
BACKENDS = ["aiohttp", "httpx"]
ONCE = anytoken.RetryPolicy(max_attempts=1)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def tenants(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """API keys of TENANTS telnyx tenants, all accepted by the sandbox (one pool each on the client)."""
    sandbox.reset()
    seed = sandbox.credentials("telnyx")["api_key"]
    keys = [f"{seed}{i:03d}" for i in range(TENANTS)]
    accepted = set(keys)
    state = sandbox.state("telnyx")
    monkeypatch.setattr(state, "authorized", lambda value, field: field == "api_key" and value in accepted)
    return keys


def _mint(client: anytoken.Client, sandbox: Sandbox, key: str) -> anytoken.Token:
    return client.create_token("telnyx", credentials=key, **sandbox.examples("telnyx")["credential"])


async def _amint(client: anytoken.Client, sandbox: Sandbox, key: str) -> anytoken.Token:
    return await client.acreate_token("telnyx", credentials=key, **sandbox.examples("telnyx")["credential"])


class _AsyncioErrors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def asyncio_errors() -> Iterator[list[str]]:
    handler = _AsyncioErrors()
    logger = logging.getLogger("asyncio")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


# -- defect 1: many tenants on one client --------------------------------------------------------


def test_many_tenants_in_threads_never_break_a_call_in_flight(sandbox: Sandbox, tenants: list[str]) -> None:
    client = sandbox.client(timeout=5, retry=ONCE)  # no retry hides a call broken by an eviction
    failures: list[BaseException] = []
    done = [0]
    lock = threading.Lock()

    def worker(offset: int) -> None:
        for i in range(3 * TENANTS // 2):
            try:
                _mint(client, sandbox, tenants[(offset + 7 * i) % TENANTS])
            except BaseException as exc:
                failures.append(exc)
                return
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=worker, args=(n * 5,)) for n in range(8)]
    with client:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert not failures, [repr(f) for f in failures[:3]]
    assert done[0] == 8 * (3 * TENANTS // 2)
    assert len(client.pools._sync) == 0  # closed with the client


@pytest.mark.parametrize("http", ["wire", "httpx"])
def test_pools_are_evicted_least_recently_used(sandbox: Sandbox, tenants: list[str], http: str) -> None:
    url = sandbox.base_url("telnyx")
    prefix = "wire:" if http == "wire" else ""  # the wire clients live in the same LRU, under their own keys

    def pool(key: str) -> str:
        return prefix + _headers_key(url, {"Authorization": f"Bearer {key}"})

    with sandbox.client(env={"ANYTOKEN_HTTP": http}) as client:
        for key in tenants[:MAX_POOLS]:  # tenants[0] gets the oldest pool
            _mint(client, sandbox, key)
        _mint(client, sandbox, tenants[0])  # ... and now the most recently used one
        _mint(client, sandbox, tenants[MAX_POOLS])  # one pool too many: the least recently used goes
        assert len(client.pools._sync) == MAX_POOLS
        assert pool(tenants[0]) in client.pools._sync
        assert pool(tenants[1]) not in client.pools._sync


@pytest.mark.parametrize("backend", BACKENDS)
async def test_an_evicted_pool_outlives_its_call_in_flight(
    sandbox: Sandbox, tenants: list[str], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANYTOKEN_ASYNC_TRANSPORT", backend)
    async with sandbox.client(timeout=5, retry=ONCE) as client:
        sandbox.inject("telnyx", "*", Fault.drip(chunk_size=64, interval=0.05), times=1)
        slow = asyncio.create_task(_amint(client, sandbox, tenants[0]))
        while sandbox.faults.applied == 0:
            await asyncio.sleep(0.01)
        for key in tenants[1:]:  # every other tenant: the slow call's pool is the least recently used
            await _amint(client, sandbox, key)
        assert isinstance(await slow, anytoken.Token)
        more = await asyncio.gather(*(_amint(client, sandbox, tenants[i % TENANTS]) for i in range(2 * TENANTS)), return_exceptions=True)
    bad = [r for r in more if not isinstance(r, anytoken.Token)]
    assert not bad, [repr(b) for b in bad[:3]]


class _CountingTransport(httpx.HTTPTransport):
    closes = 0

    def close(self) -> None:
        self.closes += 1
        super().close()


def test_a_callers_transport_is_never_closed_by_the_client(sandbox: Sandbox, tenants: list[str]) -> None:
    transport = _CountingTransport()
    try:
        client = sandbox.client(transport=transport)
        for key in tenants:  # more tenants than pools: evictions happen
            _mint(client, sandbox, key)
        client.close()
        assert transport.closes == 0
        with httpx.Client(transport=transport) as plain:  # still usable by its owner
            assert plain.get(sandbox.url + "/_sandbox").status_code == 200
        with sandbox.client(transport=transport) as again:
            assert isinstance(_mint(again, sandbox, tenants[0]), anytoken.Token)
    finally:
        transport.close()


# -- defect 2: event loops that end ----------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_repeated_asyncio_run_leaves_nothing_unclosed(
    sandbox: Sandbox, tenants: list[str], backend: str, asyncio_errors: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANYTOKEN_ASYNC_TRANSPORT", backend)
    client = sandbox.client()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        for i in range(20):
            assert isinstance(asyncio.run(_amint(client, sandbox, tenants[i % 3])), anytoken.Token)
        gc.collect()
        client.close()
        gc.collect()
    assert asyncio_errors == []
    assert client.pools.open_async_loops() == 0  # every loop's pools were closed when its loop ended


def test_module_level_async_snippet_exits_cleanly(sandbox: Sandbox) -> None:
    script = (
        "import asyncio, gc, anytoken\n"
        "async def main():\n"
        "    for _ in range(3):\n"
        "        token = await anytoken.acreate_token('telnyx', credential_id=%r)\n"
        "        assert token.value\n"
        "asyncio.run(main())\n"
        "asyncio.run(main())\n"
        "print(anytoken.create_token('telnyx', credential_id=%r).provider)\n"
        "gc.collect()\n"
    ) % ((sandbox.examples("telnyx")["credential"]["credential_id"],) * 2)
    env = {**os.environ, **sandbox.env(), "PYTHONWARNINGS": "always::ResourceWarning"}
    for backend in BACKENDS:
        env["ANYTOKEN_ASYNC_TRANSPORT"] = backend
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "telnyx"
        assert done.stderr == "", done.stderr


async def test_default_client_has_a_documented_async_close(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in sandbox.env().items():
        monkeypatch.setenv(name, value)
    anytoken.set_default_client(None)
    try:
        params = sandbox.examples("telnyx")["credential"]
        first = anytoken.default_client()
        assert isinstance(await anytoken.acreate_token("telnyx", **params), anytoken.Token)
        await anytoken.aclose()
        assert first.closed
        assert isinstance(await anytoken.acreate_token("telnyx", **params), anytoken.Token)  # a new default client
        assert anytoken.default_client() is not first
        anytoken.close()
    finally:
        anytoken.set_default_client(None)


# -- defect 6: use after close ---------------------------------------------------------------------


def test_a_closed_client_refuses_to_mint(sandbox: Sandbox) -> None:
    client = sandbox.client()
    params = sandbox.examples("telnyx")["credential"]
    assert isinstance(client.get_token("telnyx", **params), anytoken.Token)
    client.close()
    assert client.closed
    calls: list[Callable[[], object]] = [
        lambda: client.create_token("telnyx", **params),
        lambda: client.get_token("telnyx", **params),
        lambda: asyncio.run(client.acreate_token("telnyx", **params)),
        lambda: asyncio.run(client.aget_token("telnyx", **params)),
    ]
    for call in calls:
        with pytest.raises(errors.ClientClosedError, match="closed"):
            call()
    assert len(client.pools._sync) == 0


async def test_an_async_closed_client_refuses_to_mint(sandbox: Sandbox) -> None:
    params: dict[str, Any] = sandbox.examples("telnyx")["credential"]
    async with sandbox.client() as client:
        await client.acreate_token("telnyx", **params)
    with pytest.raises(errors.ClientClosedError):
        await client.acreate_token("telnyx", **params)
    with pytest.raises(errors.ClientClosedError):
        client.create_token("telnyx", **params)
