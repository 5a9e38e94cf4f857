from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from echo_support import EchoPlugin, Handler, ok_handler

import anytoken
from anytoken.plugins import Registry


@pytest.fixture(name="ok_handler")
def _ok_handler() -> Handler:
    return ok_handler


@pytest.fixture
def registry() -> Registry:
    reg = Registry(entry_points=False)
    reg.register(EchoPlugin(), name="echo-plugin", distribution="anytoken-echo")
    return reg


@pytest.fixture
def make_client(registry: Registry) -> Iterator[Callable[..., anytoken.Client]]:
    made: list[anytoken.Client] = []

    def make(handler: Handler = ok_handler, **kwargs: Any) -> anytoken.Client:
        kwargs.setdefault("env", {"ECHO_API_KEY": "good-key-123456"})
        kwargs.setdefault("retry", anytoken.RetryPolicy(backoff=0.001, max_backoff=0.002))
        client = anytoken.Client(
            registry=registry,
            transport=httpx.MockTransport(handler),
            async_transport=httpx.MockTransport(handler),
            **kwargs,
        )
        made.append(client)
        return client

    yield make
    for c in made:
        c.close()
