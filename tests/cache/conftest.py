from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from anytoken.devkit.required_areas import require

sys.path.insert(0, str(Path(__file__).parent))

from cache_helpers import NO_REDIS, REDIS_SERVER, CachyPlugin, FakeMint, RedisServer


@pytest.fixture
def fake() -> FakeMint:
    return FakeMint()


@pytest.fixture
def cachy() -> CachyPlugin:
    return CachyPlugin()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server of this test alone (it may be stopped and restarted)."""
    if REDIS_SERVER is None:
        require("redis", NO_REDIS)
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
