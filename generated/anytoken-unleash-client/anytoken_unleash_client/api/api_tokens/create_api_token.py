from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_token_schema import ApiTokenSchema
from ...models.create_api_token_schema import CreateApiTokenSchema
from ...models.error_schema import ErrorSchema
from ...types import Response


def _get_kwargs(
    *,
    body: CreateApiTokenSchema,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/admin/api-tokens",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiTokenSchema | ErrorSchema | None:
    if response.status_code == 201:
        response_201 = ApiTokenSchema.from_dict(response.json())

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

    if response.status_code == 415:
        response_415 = ErrorSchema.from_dict(response.json())

        return response_415

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApiTokenSchema | ErrorSchema]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateApiTokenSchema,
) -> Response[ApiTokenSchema | ErrorSchema]:
    """Create API token

     Create an API token of type `backend`, `frontend` or `client` (a deprecated alias of `backend`).
    Needs an admin API token or a personal access token with the CREATE_API_TOKEN permission.

    Args:
        body (CreateApiTokenSchema): The data required to create an Unleash API token. Always send
            `projects`: Unleash 8.x silently ignores the singular `project`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiTokenSchema | ErrorSchema]
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
    body: CreateApiTokenSchema,
) -> ApiTokenSchema | ErrorSchema | None:
    """Create API token

     Create an API token of type `backend`, `frontend` or `client` (a deprecated alias of `backend`).
    Needs an admin API token or a personal access token with the CREATE_API_TOKEN permission.

    Args:
        body (CreateApiTokenSchema): The data required to create an Unleash API token. Always send
            `projects`: Unleash 8.x silently ignores the singular `project`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiTokenSchema | ErrorSchema
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateApiTokenSchema,
) -> Response[ApiTokenSchema | ErrorSchema]:
    """Create API token

     Create an API token of type `backend`, `frontend` or `client` (a deprecated alias of `backend`).
    Needs an admin API token or a personal access token with the CREATE_API_TOKEN permission.

    Args:
        body (CreateApiTokenSchema): The data required to create an Unleash API token. Always send
            `projects`: Unleash 8.x silently ignores the singular `project`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiTokenSchema | ErrorSchema]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateApiTokenSchema,
) -> ApiTokenSchema | ErrorSchema | None:
    """Create API token

     Create an API token of type `backend`, `frontend` or `client` (a deprecated alias of `backend`).
    Needs an admin API token or a personal access token with the CREATE_API_TOKEN permission.

    Args:
        body (CreateApiTokenSchema): The data required to create an Unleash API token. Always send
            `projects`: Unleash 8.x silently ignores the singular `project`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiTokenSchema | ErrorSchema
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
