"""``revoke_token(timeout=...)`` bounds each attempt like ``create_token``'s, on the sandbox's real sockets."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

import anytoken
from anytoken import errors
from anytoken.devkit.sandbox import Fault, Sandbox

SLOW = 3.0  # the revocation answer takes this long
TIMEOUT = 0.3
SLACK = 1.5  # scheduling noise on a shared machine; still well below SLOW
ONCE = anytoken.RetryPolicy(max_attempts=1)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


def _minted(sandbox: Sandbox, client: anytoken.Client) -> anytoken.Token:
    sandbox.reset()
    token = client.create_token("clerk", kind="m2m", seconds_until_expiration=600)
    sandbox.inject("clerk", "revokeM2MToken", Fault.latency(SLOW), times=1)
    return token


def test_a_slow_revocation_times_out_at_the_call_timeout(sandbox: Sandbox) -> None:
    with sandbox.client(env={}) as client:
        token = _minted(sandbox, client)
        started = time.monotonic()
        with pytest.raises(errors.AnytokenError) as caught:
            client.revoke_token(token, timeout=TIMEOUT, retry=ONCE)
        assert time.monotonic() - started < TIMEOUT + SLACK
        assert "timed out" in str(caught.value) or isinstance(caught.value, errors.DeadlineExceededError), caught.value
        assert token.value not in str(caught.value)
        client.revoke_token(token)  # the fault was armed once: without it the revocation goes through


async def test_a_slow_async_revocation_times_out_at_the_call_timeout(sandbox: Sandbox) -> None:
    async with sandbox.client(env={}) as client:
        token = _minted(sandbox, client)
        started = time.monotonic()
        with pytest.raises(errors.AnytokenError):
            await client.arevoke_token(token, timeout=TIMEOUT, retry=ONCE)
        assert time.monotonic() - started < TIMEOUT + SLACK


def test_a_bad_revocation_timeout_names_the_field(sandbox: Sandbox) -> None:
    with sandbox.client(env={}) as client, pytest.raises(errors.InvalidParameterError, match="timeout"):
        client.revoke_token(anytoken.Token.from_value("clerk", "m2m", "mt_x"), timeout=-1)
