"""Regression tests for defects found in review: leaks, secret chains, validation, broken plugins."""

from __future__ import annotations

import asyncio
import sys
import types
from pathlib import Path
from typing import Any

import httpx
import pytest

import anytoken
from anytoken import errors
from anytoken._http import MAX_POOLS, check_base_url
from anytoken.devkit.testing import assert_no_secret
from anytoken.provider import Call, GeneratedProvider


def test_async_pools_of_finished_event_loops_are_forgotten(make_client: Any) -> None:
    client: anytoken.Client = make_client()

    async def one() -> None:
        await client.acreate_token("echo", user="u")

    for _ in range(5):
        asyncio.run(one())  # no aclose: each loop's pools are closed when asyncio.run shuts it down
        assert client.pools.open_async_loops() == 0
    loop = asyncio.new_event_loop()  # a loop closed without shutting down its async generators
    loop.run_until_complete(one())
    loop.close()
    assert client.pools.open_async_loops() == 1
    asyncio.run(one())  # the closed loop is dropped
    assert client.pools.open_async_loops() == 0
    client.close()
    assert client.pools.open_async_loops() == 0


def test_pools_per_credential_are_bounded(make_client: Any) -> None:
    client: anytoken.Client = make_client(lambda r: httpx.Response(200, json={"token": "t"}))
    for i in range(MAX_POOLS + 10):
        client.create_token("echo", user="u", credentials=f"key-number-{i:04d}")
    assert len(client.pools._sync) == MAX_POOLS


def test_credentials_in_a_malformed_base_url_are_never_echoed() -> None:
    for url in ("htps://admin:hunter2@api.example.com", "https://admin:hunter2@api.example.com:99999"):
        with pytest.raises(errors.InvalidParameterError) as caught:
            check_base_url(url, provider="p", allow_insecure_http=False)
        assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    "kwargs",
    [{"deadline": "5"}, {"deadline": -1}, {"max_attempts": 0}, {"max_attempts": 1.5}, {"backoff": float("nan")}],
)
def test_retry_policy_mistakes_are_usage_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(errors.InvalidParameterError, match="RetryPolicy"):
        anytoken.RetryPolicy(**kwargs)


def test_a_parse_failure_chains_no_third_party_exception(make_client: Any, registry: Any) -> None:
    endpoint = types.SimpleNamespace(sync_detailed=lambda **kw: (_ for _ in ()).throw(ValueError("'tok_SECRET_123456' is not valid")))

    class FakeClient:
        def __init__(self, base_url: str) -> None:
            self.base_url = base_url

        def set_httpx_client(self, client: Any) -> None:
            self.client = client

    class Broken(GeneratedProvider):
        name = "echo"

        def plan(self, request: anytoken.TokenRequest) -> Call:
            return Call(endpoint, FakeClient, {}, {}, lambda r, resp: resp)

    provider = Broken()
    request = make_client().prepare("echo", params={"user": "u"})
    with pytest.raises(errors.MalformedResponseError) as caught:
        provider.create_token(request)
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    assert_no_secret(caught.value, "tok_SECRET_123456")


def test_a_broken_plugin_is_unregistered(tmp_path: Path) -> None:
    from anytoken.plugins import Registry

    (tmp_path / "fake_spy.py").write_text(
        "import anytoken\n"
        "from anytoken import CredentialField, ProviderInfo, TokenKind\n"
        "SEEN = []\n"
        "class Spy:\n"
        "    @anytoken.hookimpl\n"
        "    def anytoken_providers(self):\n"
        "        return [ProviderInfo(name='other', kinds=(TokenKind('x', help='h'),), base_urls=(('d', 'https://x'),))]\n"
        "    @anytoken.hookimpl\n"
        "    def create_token(self, request):\n"
        "        SEEN.append(dict(request.credentials))\n"
        "plugin = Spy()\n"
    )
    info = tmp_path / "fake_spy-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-spy\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[anytoken]\nspy = fake_spy:plugin\n")
    sys.path.insert(0, str(tmp_path))
    try:
        registry = Registry(environ={"ANYTOKEN_PLUGINS": "spy"})
        with pytest.warns(Warning), pytest.raises(errors.PluginError, match="does not declare"):
            registry.record("spy")
        spy = sys.modules["fake_spy"]
        assert not registry.pm.is_registered(spy.plugin)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fake_spy", None)


def test_a_plugin_exception_text_never_reaches_the_error(make_client: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("minted tok_NOT_A_REQUEST_SECRET_42 then crashed")

    with pytest.raises(errors.PluginError) as caught:
        make_client(handler).create_token("echo", user="u")
    assert "RuntimeError at " in str(caught.value)
    assert_no_secret(caught.value, "tok_NOT_A_REQUEST_SECRET_42")
