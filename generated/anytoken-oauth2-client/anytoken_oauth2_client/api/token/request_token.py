from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.token_request import TokenRequest
from ...models.token_response import TokenResponse
from ...types import Response


def _get_kwargs(
    *,
    body: TokenRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/token",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | TokenResponse | None:
    if response.status_code == 200:
        response_200 = TokenResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | TokenResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TokenRequest,
) -> Response[ErrorResponse | TokenResponse]:
    """Token endpoint (RFC 6749 §3.2)

     Obtain an access token with any grant (client_credentials §4.4, refresh_token §6,
    urn:ietf:params:oauth:grant-type:jwt-bearer RFC 7523 §2.1, urn:ietf:params:oauth:grant-type:token-
    exchange RFC 8693). The client authenticates with HTTP Basic (client_secret_basic, RFC 6749 §2.3.1:
    id and secret each form-urlencoded before Base64), in the body (client_secret_post), with a client
    assertion (client_secret_jwt / private_key_jwt, RFC 7523 §2.2) or not at all (public clients).

    Args:
        body (TokenRequest): A token request; extension parameters of a vendor travel as
            additional string fields.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: TokenRequest,
) -> ErrorResponse | TokenResponse | None:
    """Token endpoint (RFC 6749 §3.2)

     Obtain an access token with any grant (client_credentials §4.4, refresh_token §6,
    urn:ietf:params:oauth:grant-type:jwt-bearer RFC 7523 §2.1, urn:ietf:params:oauth:grant-type:token-
    exchange RFC 8693). The client authenticates with HTTP Basic (client_secret_basic, RFC 6749 §2.3.1:
    id and secret each form-urlencoded before Base64), in the body (client_secret_post), with a client
    assertion (client_secret_jwt / private_key_jwt, RFC 7523 §2.2) or not at all (public clients).

    Args:
        body (TokenRequest): A token request; extension parameters of a vendor travel as
            additional string fields.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TokenResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TokenRequest,
) -> Response[ErrorResponse | TokenResponse]:
    """Token endpoint (RFC 6749 §3.2)

     Obtain an access token with any grant (client_credentials §4.4, refresh_token §6,
    urn:ietf:params:oauth:grant-type:jwt-bearer RFC 7523 §2.1, urn:ietf:params:oauth:grant-type:token-
    exchange RFC 8693). The client authenticates with HTTP Basic (client_secret_basic, RFC 6749 §2.3.1:
    id and secret each form-urlencoded before Base64), in the body (client_secret_post), with a client
    assertion (client_secret_jwt / private_key_jwt, RFC 7523 §2.2) or not at all (public clients).

    Args:
        body (TokenRequest): A token request; extension parameters of a vendor travel as
            additional string fields.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: TokenRequest,
) -> ErrorResponse | TokenResponse | None:
    """Token endpoint (RFC 6749 §3.2)

     Obtain an access token with any grant (client_credentials §4.4, refresh_token §6,
    urn:ietf:params:oauth:grant-type:jwt-bearer RFC 7523 §2.1, urn:ietf:params:oauth:grant-type:token-
    exchange RFC 8693). The client authenticates with HTTP Basic (client_secret_basic, RFC 6749 §2.3.1:
    id and secret each form-urlencoded before Base64), in the body (client_secret_post), with a client
    assertion (client_secret_jwt / private_key_jwt, RFC 7523 §2.2) or not at all (public clients).

    Args:
        body (TokenRequest): A token request; extension parameters of a vendor travel as
            additional string fields.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TokenResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
