from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_token_schema import ApiTokenSchema
from ...models.create_project_api_token_schema import CreateProjectApiTokenSchema
from ...models.error_schema import ErrorSchema
from ...types import Response


def _get_kwargs(
    project_id: str,
    *,
    body: CreateProjectApiTokenSchema,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/admin/projects/{project_id}/api-tokens".format(
            project_id=quote(str(project_id), safe=""),
        ),
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

    if response.status_code == 404:
        response_404 = ErrorSchema.from_dict(response.json())

        return response_404

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
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateProjectApiTokenSchema,
) -> Response[ApiTokenSchema | ErrorSchema]:
    """Create a project API token.

     Create an API token scoped to one project.

    Args:
        project_id (str):
        body (CreateProjectApiTokenSchema): The data required to create a project API token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiTokenSchema | ErrorSchema]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateProjectApiTokenSchema,
) -> ApiTokenSchema | ErrorSchema | None:
    """Create a project API token.

     Create an API token scoped to one project.

    Args:
        project_id (str):
        body (CreateProjectApiTokenSchema): The data required to create a project API token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiTokenSchema | ErrorSchema
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateProjectApiTokenSchema,
) -> Response[ApiTokenSchema | ErrorSchema]:
    """Create a project API token.

     Create an API token scoped to one project.

    Args:
        project_id (str):
        body (CreateProjectApiTokenSchema): The data required to create a project API token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiTokenSchema | ErrorSchema]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateProjectApiTokenSchema,
) -> ApiTokenSchema | ErrorSchema | None:
    """Create a project API token.

     Create an API token scoped to one project.

    Args:
        project_id (str):
        body (CreateProjectApiTokenSchema): The data required to create a project API token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiTokenSchema | ErrorSchema
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            body=body,
        )
    ).parsed
