from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.clerk_errors import ClerkErrors
from ...models.create_m2m_token_body import CreateM2MTokenBody
from ...models.m2m_token import M2MToken
from ...types import Response


def _get_kwargs(
    *,
    body: CreateM2MTokenBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/m2m_tokens",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ClerkErrors | M2MToken | None:
    if response.status_code == 201:
        response_201 = M2MToken.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ClerkErrors.from_dict(response.json())

        return response_400

    if response.status_code == 409:
        response_409 = ClerkErrors.from_dict(response.json())

        return response_409

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ClerkErrors | M2MToken]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateM2MTokenBody,
) -> Response[ClerkErrors | M2MToken]:
    """Create a M2M Token

     Creates a new M2M Token. Must be authenticated via a Machine Secret Key.

    Args:
        body (CreateM2MTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClerkErrors | M2MToken]
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
    client: AuthenticatedClient | Client,
    body: CreateM2MTokenBody,
) -> ClerkErrors | M2MToken | None:
    """Create a M2M Token

     Creates a new M2M Token. Must be authenticated via a Machine Secret Key.

    Args:
        body (CreateM2MTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClerkErrors | M2MToken
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateM2MTokenBody,
) -> Response[ClerkErrors | M2MToken]:
    """Create a M2M Token

     Creates a new M2M Token. Must be authenticated via a Machine Secret Key.

    Args:
        body (CreateM2MTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClerkErrors | M2MToken]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateM2MTokenBody,
) -> ClerkErrors | M2MToken | None:
    """Create a M2M Token

     Creates a new M2M Token. Must be authenticated via a Machine Secret Key.

    Args:
        body (CreateM2MTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClerkErrors | M2MToken
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
