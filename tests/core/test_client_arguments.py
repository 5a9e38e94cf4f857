"""Bad constructor and per-call arguments of ``Client`` end in a typed one-line error, never a raw exception."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import anytoken
from anytoken import errors


def test_client_retry_that_is_not_a_policy_is_a_typed_error() -> None:
    with pytest.raises(errors.InvalidParameterError, match=r"retry: must be an anytoken\.RetryPolicy"):
        anytoken.Client(retry=3)  # type: ignore[arg-type]


def test_call_retry_that_is_not_a_policy_is_a_typed_error(make_client: Any) -> None:
    client: anytoken.Client = make_client()
    with pytest.raises(errors.InvalidParameterError, match=r"retry: must be an anytoken\.RetryPolicy"):
        client.create_token("echo", user="u", retry=3)  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidParameterError, match=r"retry: must be an anytoken\.RetryPolicy"):
        asyncio.run(client.acreate_token("echo", user="u", retry={"max_attempts": 2}))  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [5, None, ["k"]])
def test_client_credentials_of_the_wrong_type_are_a_typed_error(value: Any) -> None:
    with pytest.raises(errors.InvalidParameterError, match=r"credentials\[.echo.\]: must be a string or a mapping"):
        anytoken.Client(credentials={"echo": value})


def test_a_closed_client_says_closed_without_claiming_the_call_was_a_mint(make_client: Any) -> None:
    client: anytoken.Client = make_client()
    token = client.create_token("echo", user="u")
    client.close()
    for call in (lambda: client.revoke_token(token), lambda: client.get_token("echo", user="u"), lambda: client.invalidate("echo")):
        with pytest.raises(errors.ClientClosedError) as caught:
            call()
        assert "has been closed" in str(caught.value)
        assert "cannot mint" not in str(caught.value)


@pytest.mark.parametrize("field", ["credentials", "base_urls"])
def test_a_misspelt_provider_in_the_client_configuration_is_refused(field: str) -> None:
    """A typo would otherwise fall back to the environment's credentials (perhaps another tenant's) at call time."""
    value = "sk-tenant-b-123456" if field == "credentials" else "https://api.telnyx.com/v2"
    with pytest.raises(errors.InvalidParameterError) as caught:
        anytoken.Client(**{field: {"telnix": value}})  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"Invalid parameters: Client({field}['telnix']): no installed provider has this name. Did you mean 'telnyx'?"
    )
    assert "sk-tenant-b" not in str(caught.value)


def test_an_unusable_configured_base_url_is_refused_at_construction() -> None:
    with pytest.raises(errors.InvalidParameterError, match=r"Client\(base_urls\['telnyx'\]\): must be an http\(s\) URL") as caught:
        anytoken.Client(base_urls={"telnyx": "ftp://files.example.com?key=SECRET"})
    assert "SECRET" not in str(caught.value)
    with anytoken.Client(base_urls={"telnyx": "http://api.example.com"}, credentials={"telnyx": "k"}) as client:
        # plain http is decided per call: allow_insecure_http may still be set on the client
        with pytest.raises(errors.InsecureTransportError):
            client.prepare("telnyx", params={"credential_id": "6a09cdc3-8948-47f0-aa62-74ac943d6c58"})
        client.allow_insecure_http = True
        assert (
            client.prepare("telnyx", params={"credential_id": "6a09cdc3-8948-47f0-aa62-74ac943d6c58"}).base_url == "http://api.example.com"
        )
        with pytest.raises(errors.InvalidParameterError, match=r"Client\(base_urls\['telnix'\]\)"):
            client.base_urls = {"telnix": "https://x.example.com"}
        assert client.base_urls == {"telnyx": "http://api.example.com"}  # a refused assignment changes nothing


def test_a_connection_error_shows_only_the_origin_of_the_base_url() -> None:
    """On a real refused socket: the base URL's path or query may carry a key, so the error shows neither."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v2/PATHSECRET?key=QUERYSECRET"
    with anytoken.Client(retry=anytoken.RetryPolicy(max_attempts=1)) as client, pytest.raises(errors.ProviderUnavailableError) as caught:
        client.create_token("telnyx", credentials="k-123456", base_url=url, credential_id="6a09cdc3-8948-47f0-aa62-74ac943d6c58")
    assert str(caught.value) == f"telnyx/credential: could not connect to http://127.0.0.1:{port} (ConnectError)"
