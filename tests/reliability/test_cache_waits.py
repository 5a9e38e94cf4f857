"""Waits for another caller's mint are bounded (issue 10, defect 3), on the sandbox's real sockets."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import anytoken
from anytoken import errors
from anytoken.cache import TokenCache
from anytoken.devkit.sandbox import Fault, Sandbox

SLOW = 2.0  # the leader's mint takes this long
DEADLINE = 0.5
SLACK = 1.0  # scheduling noise on a shared machine; still well below SLOW
UNBOUNDED = anytoken.RetryPolicy(deadline=None)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def params(sandbox: Sandbox) -> dict[str, Any]:
    sandbox.reset()
    sandbox.inject("telnyx", "CreateTelephonyCredentialToken", Fault.latency(SLOW), times=1)
    return sandbox.examples("telnyx")["credential"]


def _wait_in_flight(sandbox: Sandbox) -> None:
    until = time.monotonic() + 5
    while sandbox.faults.applied == 0 and time.monotonic() < until:
        time.sleep(0.01)
    assert sandbox.faults.applied == 1


def _lead_in_thread(client: anytoken.Client, params: dict[str, Any]) -> threading.Thread:
    leader = threading.Thread(target=lambda: client.get_token("telnyx", retry=UNBOUNDED, **params), daemon=True)
    leader.start()
    return leader


def test_a_sync_waiter_is_bounded_by_its_deadline(sandbox: Sandbox, params: dict[str, Any]) -> None:
    with sandbox.client() as client:
        leader = _lead_in_thread(client, params)
        _wait_in_flight(sandbox)
        started = time.monotonic()
        with pytest.raises(errors.DeadlineExceededError, match="another caller's mint") as caught:
            client.get_token("telnyx", retry=anytoken.RetryPolicy(deadline=DEADLINE), **params)
        assert time.monotonic() - started < DEADLINE + SLACK
        assert caught.value.provider == "telnyx"
        leader.join(SLOW + 5)


async def test_an_async_waiter_is_bounded_by_its_deadline(sandbox: Sandbox, params: dict[str, Any]) -> None:
    async with sandbox.client() as client:
        leader = _lead_in_thread(client, params)
        await asyncio.to_thread(_wait_in_flight, sandbox)
        started = time.monotonic()
        with pytest.raises(errors.DeadlineExceededError):
            await client.aget_token("telnyx", retry=anytoken.RetryPolicy(deadline=DEADLINE), **params)
        assert time.monotonic() - started < DEADLINE + SLACK
        await asyncio.to_thread(leader.join, SLOW + 5)


def test_a_waiter_without_deadline_is_bounded_by_the_cache(sandbox: Sandbox, params: dict[str, Any]) -> None:
    with sandbox.client(cache=TokenCache(max_wait=DEADLINE), retry=UNBOUNDED) as client:
        leader = _lead_in_thread(client, params)
        _wait_in_flight(sandbox)
        started = time.monotonic()
        with pytest.raises(errors.DeadlineExceededError, match="max_wait"):
            client.get_token("telnyx", **params)
        assert time.monotonic() - started < DEADLINE + SLACK
        leader.join(SLOW + 5)


@pytest.mark.timeout(20)  # the old code hung here for ever
async def test_sync_get_token_on_the_loop_thread_never_hangs(sandbox: Sandbox, params: dict[str, Any]) -> None:
    async with sandbox.client() as client:
        leader = asyncio.create_task(client.aget_token("telnyx", **params))
        while sandbox.faults.applied == 0:
            await asyncio.sleep(0.01)
        started = time.monotonic()
        with pytest.raises(errors.WaitWouldDeadlockError, match="aget_token"):
            client.get_token("telnyx", **params)  # on the loop's thread, the same token in flight on this loop
        assert time.monotonic() - started < 0.5
        token = await leader
        assert client.get_token("telnyx", **params) is token  # once minted, the sync call is a cache hit
