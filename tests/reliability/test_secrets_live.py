"""Secrets against the real stack on both request paths (the wire clients, and httpx + httpcore/aiohttp, on
sockets, the sandbox with request logging on), sync and async:
random keys never reach a log record at DEBUG (httpx's and httpcore's loggers included), an exception or its
chain, a repr, or the sandbox's own log; minted tokens never reach a log either."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import anytoken
from anytoken import errors
from anytoken.devkit.sandbox import Sandbox
from anytoken.devkit.testing import assert_no_secret

# real keys are high-entropy: a low-entropy string ("0000…", "admin_access_key") can occur in any log by chance
KEYS = st.binary(min_size=12, max_size=32).map(lambda b: "sk_" + b.hex())


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(log_requests=True) as sb:
        yield sb


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()} {record.args!r}")


async def _amint(client: anytoken.Client, provider: str, kind: str, params: dict[str, Any]) -> anytoken.Token:
    try:
        return await client.acreate_token(provider, kind=kind, **params)
    finally:
        await client.aclose()


@pytest.mark.parametrize("http", ["wire", "httpx"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=KEYS)
def test_random_keys_and_minted_tokens_never_reach_logs_or_errors(sandbox: Sandbox, key: str, http: str) -> None:
    capture = _Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    minted: list[str] = []
    try:
        for provider in sandbox.providers:
            examples = sandbox.examples(provider)
            for kind, params in list(examples.items())[:2]:
                info = sandbox.client().registry.provider(provider)
                wrong = {f: key if info.credential(f).secret else v for f, v in sandbox.credentials(provider).items()}
                env = {"ANYTOKEN_HTTP": http}
                with sandbox.client(env=env, credentials={provider: wrong}, audit_log=True) as client:
                    for is_async in (False, True):
                        try:
                            if is_async:
                                asyncio.run(_amint(client, provider, kind, params))
                            else:
                                client.create_token(provider, kind=kind, **params)
                        except errors.AnytokenError as exc:
                            assert_no_secret(exc, key)
                    assert key not in repr(client)
                    assert all(key not in repr(pool.resource) for pool in client.pools._sync._pools.values())
                with sandbox.client(env=env, audit_log=True) as client:
                    token = client.create_token(provider, kind=kind, **params)
                    atoken = asyncio.run(_amint(client, provider, kind, params))
                    minted += [token.value, atoken.value]
                    assert token.value not in repr(token) and atoken.value not in repr(atoken)
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
    logged = "\n".join(capture.lines)
    assert capture.lines, "nothing was logged: the test would prove nothing"
    assert key not in logged
    for value in minted:
        assert value not in logged
    client = sandbox.client()
    for provider in sandbox.providers:
        info = client.registry.provider(provider)
        for field, secret in sandbox.credentials(provider).items():
            if info.credential(field).secret:  # a username is not a secret
                assert secret not in logged, f"{provider}.{field} logged"
