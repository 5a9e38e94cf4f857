"""Property-based tests (hypothesis): secrets never leak; hostile input ends in a typed one-line error."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

import httpx
import pytest
from echo_support import EchoPlugin, EchoServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import anytoken
from anytoken import cli, errors
from anytoken.devkit.testing import assert_no_secret
from anytoken.plugins import Registry

SECRET = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters='"\\'), min_size=12, max_size=64)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _registry() -> Registry:
    reg = Registry(entry_points=False)
    reg.register(EchoPlugin(), name="echo-plugin", distribution="anytoken-echo")
    return reg


REGISTRY = _registry()


def _client(key: str, token: str, status: int = 200, echo_key_in_error: bool = True, server: EchoServer | None = None) -> anytoken.Client:
    """The echo provider answering through a MockTransport, or on real sockets through ``server`` (the
    wire path, or httpx's with ``ANYTOKEN_HTTP=httpx`` in the server's ``env``)."""

    def handler(request: httpx.Request) -> httpx.Response:
        sent = request.headers["authorization"].removeprefix("Bearer ")
        if status != 200:
            # a hostile provider echoing the caller's key back in its error message
            body = {"errors": [{"message": f"key {sent} rejected" if echo_key_in_error else "no"}]}
            return httpx.Response(status, json=body)
        return httpx.Response(200, json={"token": token})

    retry = anytoken.RetryPolicy(max_attempts=2, backoff=0, max_backoff=0)
    if server is None:
        return anytoken.Client(registry=REGISTRY, env={"ECHO_API_KEY": key}, transport=httpx.MockTransport(handler), retry=retry)
    server.handler = handler
    env = {"ECHO_API_KEY": key, "ECHO_BASE_URL": server.url, **getattr(server, "env", {})}
    return anytoken.Client(registry=REGISTRY, env=env, retry=retry)


@pytest.fixture(scope="module")
def echo_server() -> Iterator[EchoServer]:
    server = EchoServer()
    yield server
    server.close()


@pytest.fixture(params=["mock", "wire", "httpx"])
def path(request: pytest.FixtureRequest, echo_server: EchoServer) -> EchoServer | None:
    """Which request path a test runs on: MockTransport, the wire clients on sockets, httpx on sockets."""
    if request.param == "mock":
        return None
    echo_server.env = {"ANYTOKEN_HTTP": request.param}  # type: ignore[attr-defined]
    return echo_server


@SETTINGS
@given(key=SECRET, token=SECRET, status=st.sampled_from([200, 400, 401, 403, 404, 409, 422, 429, 500, 503]))
def test_no_secret_in_repr_logs_or_errors(
    key: str, token: str, status: int, caplog: pytest.LogCaptureFixture, path: EchoServer | None
) -> None:
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        client = _client(key, token, status, server=path)
        try:
            minted = client.create_token("echo", user="u", retry=anytoken.RetryPolicy(max_attempts=1))
        except errors.AnytokenError as exc:
            assert_no_secret(exc, key, token.strip() and token)
            assert "\n" not in str(exc)
        else:
            assert minted.value == token
            for text in (repr(minted), str(minted), str(minted.to_dict())):
                assert token not in text
        for pool in [*client.pools._sync._pools.values(), *(c for per in client.pools._async.values() for c in per.lru._pools.values())]:
            assert key not in repr(pool.resource)
        request = client.prepare("echo", params={"user": "u"})
        assert key not in repr(request) and key not in repr(client) and key not in repr(request.credentials)
        client.close()
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    assert key not in logged and token not in logged


NAMES = st.one_of(st.text(max_size=30), st.sampled_from(["echo", "ECHO", "echo ", "", "é", "\x00", "a" * 10000]))
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=50),
    st.binary(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just("\udcff surrogate"),
    st.just("x" * 20000),
    st.just(object()),
)


@settings(max_examples=200, deadline=None)
@given(
    provider=NAMES,
    kind=st.one_of(st.none(), NAMES),
    params=st.dictionaries(st.text(min_size=1, max_size=20).filter(str.isidentifier), VALUES, max_size=4),
)
def test_api_fuzz_raises_only_typed_errors(provider: str, kind: str | None, params: dict[str, Any]) -> None:
    client = _client("good-key-123456", "tok")
    params.pop("kind", None)
    for reserved in ("credentials", "base_url", "timeout", "retry"):
        params.pop(reserved, None)
    try:
        client.create_token(provider, kind=kind, **params)
    except errors.AnytokenError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 2000
    finally:
        client.close()


ARGS = st.lists(
    st.one_of(
        st.sampled_from(
            ["create", "providers", "demo", "--json", "--kind", "--base-url", "--timeout", "echo", "--user", "--", "-x", "--all"]
        ),
        st.text(max_size=20),
        st.just("\udcff"),
        st.just("y" * 5000),
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(argv=ARGS)
def test_cli_fuzz_one_line_errors_never_tracebacks(argv: list[str]) -> None:
    if argv[:1] in (["demo"], ["sandbox"], ["new-plugin"]):
        argv = ["create", *argv[1:]]
    anytoken.set_default_client(_client("good-key-123456", "tok-cli-secret"))
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(argv)
    finally:
        anytoken.set_default_client(None)
    assert code in (0, 1, 2)
    assert "Traceback" not in err.getvalue()
    if code != 0 and argv:
        lines = err.getvalue().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("anytoken: "), err.getvalue()
    assert "good-key-123456" not in err.getvalue() + out.getvalue()
    assert "tok-cli-secret" not in err.getvalue()
