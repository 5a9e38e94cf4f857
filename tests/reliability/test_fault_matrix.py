"""The fault matrix: every sandbox fault against every installed provider and kind, sync and async.

Each call must end within its deadline with a Token or the right typed error — never an untyped exception,
never a hang — and the sandbox must never count more created persistent tokens than successes plus
ambiguous failures (no blind retry duplicated a resource). Open file descriptors are measured around the
matrix to catch leaked sockets.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

import anytoken
from anytoken import errors
from anytoken.devkit.sandbox import Fault, Sandbox

TIMEOUT = 0.25
DEADLINE = 1.2
POLICY = anytoken.RetryPolicy(max_attempts=3, backoff=0.01, max_backoff=0.02, max_retry_after=0.2, deadline=DEADLINE)
SLACK = 0.6  # scheduling noise on a shared 2-core machine

OK = anytoken.Token
E = errors
_HTML = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"

# fault name -> (fault, times, outcome for idempotent kinds, outcome for persistent kinds)
FAULTS: dict[str, tuple[Fault, int | None, tuple[type, ...], tuple[type, ...]]] = {
    "latency": (Fault.latency(1.0), None, (E.DeadlineExceededError,), (E.AmbiguousMintError,)),
    "status_500_once": (Fault.http_status(500), 1, (OK,), (E.AmbiguousMintError,)),
    "status_502_always": (Fault.http_status(502), None, (E.ProviderUnavailableError,), (E.AmbiguousMintError,)),
    "status_429_once": (Fault.http_status(429, retry_after=0.05), 1, (OK,), (OK,)),
    "status_429_long": (Fault.http_status(429, retry_after=3600), None, (E.RateLimitedError,), (E.RateLimitedError,)),
    "status_503_ms_once": (Fault.http_status(503, retry_after_ms=20), 1, (OK,), (OK,)),
    "status_503_always": (Fault.http_status(503), None, (E.ProviderUnavailableError,), (E.ProviderUnavailableError,)),
    "reset": (Fault("reset"), 1, (OK,), (E.AmbiguousMintError,)),
    "reset_mid_body": (Fault("reset_mid_body"), 1, (OK,), (E.AmbiguousMintError,)),
    "truncated": (Fault("truncated"), 1, (OK,), (E.AmbiguousMintError,)),
    # a cut JSON document or an HTML page labelled JSON is never a token (issue 10)
    "malformed_json": (Fault("malformed_json"), None, (E.MalformedResponseError,), (E.AmbiguousMintError,)),
    "non_json": (Fault("non_json"), None, (E.MalformedResponseError,), (E.AmbiguousMintError,)),
    # the whole answer replaced by an HTML page (a JSON string for JSON providers, text/plain for Telnyx)
    "html_page": (Fault.missing_token(transform=lambda _: _HTML), None, (E.MalformedResponseError,), (E.AmbiguousMintError,)),
    "wrong_content_type": (
        Fault("wrong_content_type", content_type="text/html"),
        None,
        (E.MalformedResponseError, OK),
        (E.AmbiguousMintError, OK),
    ),
    "missing_token": (Fault("missing_token"), None, (E.MalformedResponseError,), (E.AmbiguousMintError,)),
    "huge_body": (Fault("huge_body"), None, (E.MalformedResponseError,), (E.AmbiguousMintError,)),
    "huge_body_chunked": (Fault("huge_body", chunked=True), None, (E.MalformedResponseError,), (E.AmbiguousMintError,)),
    "drip": (
        Fault("drip", chunk_size=1, interval=0.2),
        None,
        (E.DeadlineExceededError, E.ProviderUnavailableError),
        (E.AmbiguousMintError,),
    ),
}


def _open_fds() -> int:
    return len(os.listdir(f"/proc/{os.getpid()}/fd")) if os.path.isdir(f"/proc/{os.getpid()}/fd") else 0


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


def _cases(sandbox: Sandbox, client: anytoken.Client) -> list[tuple[str, str, dict[str, Any], bool]]:
    out = []
    for info in client.list_providers():
        if info.name not in sandbox.providers:
            continue
        for kind, params in sandbox.examples(info.name).items():
            out.append((info.name, kind, params, info.kind(kind).persistent))
    return out


# request path -> environment: the wire clients (default), httpx (on aiohttp's transport for async), httpx's own pool
MODES: dict[str, dict[str, str]] = {
    "sync-wire": {},
    "sync-httpx": {"ANYTOKEN_HTTP": "httpx"},
    "async-wire": {},
    "async-httpx-aiohttp": {"ANYTOKEN_HTTP": "httpx"},
    "async-httpx": {"ANYTOKEN_HTTP": "httpx", "ANYTOKEN_ASYNC_TRANSPORT": "httpx"},
}
# the class of every pooled client a mode must have used
EXPECTED_POOL = {
    "sync-wire": "WireClient",
    "sync-httpx": "_PooledClient",
    "async-wire": "AsyncWireClient",
    "async-httpx-aiohttp": "_PooledAsyncClient",
    "async-httpx": "_PooledAsyncClient",
}


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("fault_name", sorted(FAULTS))
def test_fault_matrix(sandbox: Sandbox, fault_name: str, mode: str) -> None:
    fault, times, want_idempotent, want_persistent = FAULTS[fault_name]
    gc.collect()
    fds_before = _open_fds()
    created_before = {p: sandbox.created(p) for p in sandbox.providers}
    successes: dict[str, int] = {}
    ambiguous: dict[str, int] = {}
    failures: list[str] = []
    used: set[str] = set()
    with sandbox.client(env=MODES[mode], timeout=TIMEOUT, retry=POLICY) as client:
        cases = _cases(sandbox, client)
        assert cases, "no provider installed with sandbox routes"
        for provider, kind, params, persistent in cases:
            sandbox.clear_faults()
            sandbox.inject(provider, "*", fault, times=times)
            started = time.monotonic()
            outcome: Any
            try:
                if mode.startswith("sync"):
                    outcome = client.create_token(provider, kind=kind, **params)
                else:
                    outcome = asyncio.run(_amint(client, provider, kind, params, used))
            except errors.AnytokenError as exc:
                outcome = exc
            except Exception as exc:  # an untyped exception is a failure of the library
                failures.append(f"{provider}/{kind}: untyped {type(exc).__name__}: {exc}")
                continue
            elapsed = time.monotonic() - started
            want = want_persistent if persistent else want_idempotent
            if not isinstance(outcome, want):
                failures.append(f"{provider}/{kind}: got {type(outcome).__name__} ({outcome}), want {[w.__name__ for w in want]}")
            if elapsed > DEADLINE + SLACK:
                failures.append(f"{provider}/{kind}: took {elapsed:.2f}s > deadline {DEADLINE}s")
            if isinstance(outcome, anytoken.Token):
                successes[provider] = successes.get(provider, 0) + 1
            elif isinstance(outcome, errors.AmbiguousMintError):
                ambiguous[provider] = ambiguous.get(provider, 0) + 1
        sandbox.clear_faults()
        used |= {type(p.resource).__name__ for p in client.pools._sync._pools.values()}
    if used != {EXPECTED_POOL[mode]}:
        failures.append(f"mode {mode} ran on {sorted(used)}, not {EXPECTED_POOL[mode]}")
    if mode == "async-httpx-aiohttp" and _inner_transports != {"AiohttpTransport"}:
        failures.append(f"async-httpx-aiohttp ran on {_inner_transports}")
    _inner_transports.clear()
    for provider in sandbox.providers:
        created = sandbox.created(provider) - created_before[provider]
        persistent_kinds = [c for c in cases if c[0] == provider and c[3]]
        if persistent_kinds:
            allowed = successes.get(provider, 0) + ambiguous.get(provider, 0)
            if created > allowed:
                failures.append(f"{provider}: {created} persistent tokens created > {allowed} successes + ambiguous failures")
    # the in-process sandbox may still hold its side of connections a slow fault keeps open: let it drain
    leaked = _open_fds() - fds_before
    for _ in range(60):
        if leaked <= 2:
            break
        gc.collect()
        time.sleep(0.05)
        leaked = _open_fds() - fds_before
    if leaked > 2:
        failures.append(f"{leaked} file descriptors leaked")
    assert not failures, "\n".join(failures)


_inner_transports: set[str] = set()


async def _amint(client: anytoken.Client, provider: str, kind: str, params: dict[str, Any], used: set[str]) -> anytoken.Token:
    try:
        return await client.acreate_token(provider, kind=kind, **params)  # the loop's pools close when asyncio.run ends
    finally:
        for per_loop in client.pools._async.values():
            for pool in per_loop.lru._pools.values():
                used.add(type(pool.resource).__name__)
                inner = getattr(getattr(pool.resource, "_transport", None), "inner", None)
                if inner is not None:
                    _inner_transports.add(type(inner).__name__)
