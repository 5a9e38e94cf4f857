from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_pat_schema import CreatePatSchema
from ...models.error_schema import ErrorSchema
from ...models.pat_schema import PatSchema
from ...types import Response


def _get_kwargs(
    *,
    body: CreatePatSchema,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/admin/user/tokens",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorSchema | PatSchema | None:
    if response.status_code == 201:
        response_201 = PatSchema.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorSchema.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorSchema.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorSchema.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorSchema.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorSchema.from_dict(response.json())

        return response_409

    if response.status_code == 415:
        response_415 = ErrorSchema.from_dict(response.json())

        return response_415

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorSchema | PatSchema]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreatePatSchema,
) -> Response[ErrorSchema | PatSchema]:
    """Create a new personal access token (PAT) for the current user.

     Create a personal access token for the calling user. Needs a user identity (a PAT or a session); an
    admin API token gets 403.

    Args:
        body (CreatePatSchema): The properties required to create a personal access token (PAT).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorSchema | PatSchema]
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
    body: CreatePatSchema,
) -> ErrorSchema | PatSchema | None:
    """Create a new personal access token (PAT) for the current user.

     Create a personal access token for the calling user. Needs a user identity (a PAT or a session); an
    admin API token gets 403.

    Args:
        body (CreatePatSchema): The properties required to create a personal access token (PAT).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorSchema | PatSchema
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreatePatSchema,
) -> Response[ErrorSchema | PatSchema]:
    """Create a new personal access token (PAT) for the current user.

     Create a personal access token for the calling user. Needs a user identity (a PAT or a session); an
    admin API token gets 403.

    Args:
        body (CreatePatSchema): The properties required to create a personal access token (PAT).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorSchema | PatSchema]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreatePatSchema,
) -> ErrorSchema | PatSchema | None:
    """Create a new personal access token (PAT) for the current user.

     Create a personal access token for the calling user. Needs a user identity (a PAT or a session); an
    admin API token gets 403.

    Args:
        body (CreatePatSchema): The properties required to create a personal access token (PAT).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorSchema | PatSchema
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
