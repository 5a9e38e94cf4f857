"""The call flow of the core with an in-code plugin over httpx.MockTransport (one translation step each)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from echo_support import Handler

import anytoken
from anytoken import errors
from anytoken.devkit.testing import assert_no_secret


def test_mints_and_masks(make_client: Any) -> None:
    token = make_client().create_token("echo", user="u1")
    assert token.value == "tok-u1"
    assert "tok-u1" not in repr(token) and "tok-u1" not in str(token)
    assert token.provider == "echo" and token.kind == "plain"


def test_async_mints(make_client: Any) -> None:
    client: anytoken.Client = make_client()

    async def go() -> anytoken.Token:
        try:
            return await client.acreate_token("echo", user="u2")
        finally:
            await client.aclose()

    assert asyncio.run(go()).value == "tok-u2"


def test_unknown_provider_lists_available(make_client: Any) -> None:
    with pytest.raises(errors.UnknownProviderError) as caught:
        make_client().create_token("nope")
    assert "echo" in str(caught.value) and "pip install" not in str(caught.value)


@pytest.mark.parametrize("typed", ["ecoh", "ech", "eecho", "Echo"])
def test_unknown_provider_suggests_the_closest_installed_name_never_a_package_built_from_the_typo(make_client: Any, typed: str) -> None:
    with pytest.raises(errors.UnknownProviderError) as caught:
        make_client().create_token(typed)
    message = str(caught.value)
    assert "Did you mean 'echo'?" in message
    assert "pip install" not in message and f"anytoken-{typed.lower()}" not in message


def test_unknown_provider_close_to_a_builtin_suggests_only_its_real_distribution(make_client: Any) -> None:
    with pytest.raises(errors.UnknownProviderError) as caught:
        make_client().create_token("telnix")  # the test registry serves only "echo"
    assert "Did you mean 'telnyx'?" in str(caught.value) and "`pip install anytoken-telnyx`" in str(caught.value)
    assert "anytoken-telnix" not in str(caught.value)


def test_unknown_kind_and_param_suggest_the_closest(make_client: Any) -> None:
    with pytest.raises(errors.UnknownKindError, match="Did you mean 'plain'"):
        make_client().create_token("echo", kind="plian", user="u")
    with pytest.raises(errors.InvalidParameterError, match="Did you mean 'user'"):
        make_client().create_token("echo", usr="u")


def test_unknown_kind(make_client: Any) -> None:
    with pytest.raises(errors.UnknownKindError, match="plain, resource"):
        make_client().create_token("echo", kind="zzz", user="u")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "user"),
        ({"user": "u", "ttl": "abc"}, "ttl"),
        ({"user": "u", "ttl": 0}, "ttl"),
        ({"user": "u", "bogus": 1}, "bogus"),
        ({"user": "u", "mode": "c"}, "mode"),
        ({"user": 5}, "user"),
    ],
)
def test_invalid_params_name_the_field(make_client: Any, params: dict[str, Any], field: str) -> None:
    with pytest.raises(errors.InvalidParameterError) as caught:
        make_client().create_token("echo", **params)
    assert field in caught.value.fields
    assert "\n" not in str(caught.value)


def test_missing_credential_names_env_var(make_client: Any) -> None:
    with pytest.raises(errors.MissingCredentialError, match="ECHO_API_KEY"):
        make_client(env={}).create_token("echo", user="u")


def test_explicit_credential_wins_over_env(make_client: Any) -> None:
    client = make_client(env={"ECHO_API_KEY": "wrong-key-999999"})
    assert client.create_token("echo", user="u", credentials="good-key-123456").value == "tok-u"


def test_wrong_key_is_auth_error_without_secret(make_client: Any) -> None:
    with pytest.raises(errors.AuthenticationError) as caught:
        make_client(env={"ECHO_API_KEY": "wrong-key-999999"}).create_token("echo", user="u")
    assert caught.value.status == 401 and caught.value.request_id == "req-1"
    assert_no_secret(caught.value, "wrong-key-999999")


def test_insecure_base_url_refused(make_client: Any) -> None:
    with pytest.raises(errors.InsecureTransportError):
        make_client().create_token("echo", user="u", base_url="http://echo.example.com")
    assert make_client().create_token("echo", user="u", base_url="http://127.0.0.1:9").value == "tok-u"
    assert make_client(allow_insecure_http=True).create_token("echo", user="u", base_url="http://echo.example.com").value


def test_bad_base_url(make_client: Any) -> None:
    with pytest.raises(errors.InvalidParameterError, match="base_url"):
        make_client().create_token("echo", user="u", base_url="ftp://x")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (404, errors.NotFoundError),
        (422, errors.ProviderRejectedError),
        (400, errors.ProviderRejectedError),
        (403, errors.AuthenticationError),
    ],
)
def test_status_mapping(make_client: Any, status: int, cls: type[Exception]) -> None:
    client = make_client(lambda r: httpx.Response(status, json={"message": "nope"}))
    with pytest.raises(cls):
        client.create_token("echo", user="u")


def test_429_retried_with_retry_after(make_client: Any, ok_handler: Handler) -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        if len(seen) == 1:
            return httpx.Response(429, headers={"retry-after-ms": "10"})
        return ok_handler(request)

    assert make_client(handler).create_token("echo", user="u").value == "tok-u"
    assert len(seen) == 2


def test_retry_after_too_long_is_not_waited(make_client: Any) -> None:
    client = make_client(lambda r: httpx.Response(429, headers={"retry-after": "3600"}))
    with pytest.raises(errors.RateLimitedError) as caught:
        client.create_token("echo", user="u")
    assert caught.value.retry_after == 3600


def test_500_retried_for_idempotent_kind(make_client: Any, ok_handler: Handler) -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        return httpx.Response(500) if len(seen) < 3 else ok_handler(request)

    assert make_client(handler).create_token("echo", user="u").value == "tok-u"
    assert len(seen) == 3


def test_500_on_persistent_kind_is_ambiguous_not_retried(make_client: Any) -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        return httpx.Response(500)

    with pytest.raises(errors.AmbiguousMintError, match="may have been created"):
        make_client(handler).create_token("echo", kind="resource")
    assert len(seen) == 1


def test_connect_error_always_retried(make_client: Any, ok_handler: Handler) -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        if len(seen) == 1:
            raise httpx.ConnectError("refused", request=request)
        return ok_handler(request)

    assert make_client(handler).create_token("echo", kind="resource").value
    assert len(seen) == 2


def test_read_error_on_persistent_kind_is_ambiguous(make_client: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("reset by peer", request=request)

    with pytest.raises(errors.AmbiguousMintError) as caught:
        make_client(handler).create_token("echo", kind="resource")
    assert caught.value.__context__ is None  # no third-party exception (or its text) in the chain


def test_plugin_exception_becomes_plugin_error(make_client: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("boom with good-key-123456 inside")

    with pytest.raises(errors.PluginError) as caught:
        make_client(handler).create_token("echo", user="u")
    assert "echo-plugin" in str(caught.value) and "anytoken-echo" in str(caught.value)
    assert_no_secret(caught.value, "good-key-123456")


def test_oversized_response_refused(make_client: Any) -> None:
    client = make_client(lambda r: httpx.Response(200, content=b"x" * 5000), max_response_bytes=1000)
    with pytest.raises(errors.MalformedResponseError, match="larger than 1000"):
        client.create_token("echo", user="u")


def test_timeout_validation(make_client: Any) -> None:
    with pytest.raises(errors.InvalidParameterError, match="timeout"):
        make_client().create_token("echo", user="u", timeout=-1)


def test_audit_events_carry_no_secret(make_client: Any, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="anytoken.audit")
    client = make_client(audit_log=True)
    client.create_token("echo", user="u")
    with pytest.raises(errors.AuthenticationError):
        client.create_token("echo", user="u", credentials="wrong-key-999999")
    lines = [r.getMessage() for r in caplog.records if r.name == "anytoken.audit"]
    assert len(lines) == 2 and '"outcome": "success"' in lines[0] and "AuthenticationError" in lines[1]
    assert not any("good-key-123456" in line or "wrong-key-999999" in line or "tok-u" in line for line in lines)


def test_public_api_is_pinned() -> None:
    assert anytoken.__all__ == sorted(anytoken.__all__)
    assert set(anytoken.__all__) == {
        "AnytokenError",
        "Client",
        "CredentialField",
        "Param",
        "ProviderInfo",
        "RetryPolicy",
        "RevokeRequest",
        "Token",
        "TokenKind",
        "TokenRequest",
        "__version__",
        "aclose",
        "acreate_token",
        "aget_token",
        "arevoke_token",
        "close",
        "create_token",
        "default_client",
        "errors",
        "get_token",
        "hookimpl",
        "list_providers",
        "revoke_token",
        "set_default_client",
    }


def test_cookies_set_by_a_provider_are_never_sent_back(make_client: Any) -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        return httpx.Response(200, json={"token": "t"}, headers={"set-cookie": "session=abc; Path=/"})

    client = make_client(handler)
    client.create_token("echo", user="u")
    client.create_token("echo", user="u")
    assert seen == [None, None]


def test_base_url_merge_is_cached_but_correct(make_client: Any) -> None:
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json={"token": "t"})

    client = make_client(handler)
    for base in ("https://a.example.com/v1", "https://b.example.com/v2", "https://a.example.com/v1"):
        client.create_token("echo", user="u", base_url=base)
    assert urls == ["https://a.example.com/v1/plain", "https://b.example.com/v2/plain", "https://a.example.com/v1/plain"]
