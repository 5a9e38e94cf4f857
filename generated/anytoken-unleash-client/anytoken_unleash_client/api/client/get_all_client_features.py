from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.client_features_schema import ClientFeaturesSchema
from ...models.error_schema import ErrorSchema
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/client/features",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ClientFeaturesSchema | ErrorSchema | None:
    if response.status_code == 200:
        response_200 = ClientFeaturesSchema.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorSchema.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorSchema.from_dict(response.json())

        return response_403

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ClientFeaturesSchema | ErrorSchema]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ClientFeaturesSchema | ErrorSchema]:
    """Get all flags (SDK)

     Returns the SDK configuration for all feature flags available to the API key. anytoken uses it to
    check that a backend token works.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClientFeaturesSchema | ErrorSchema]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> ClientFeaturesSchema | ErrorSchema | None:
    """Get all flags (SDK)

     Returns the SDK configuration for all feature flags available to the API key. anytoken uses it to
    check that a backend token works.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClientFeaturesSchema | ErrorSchema
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ClientFeaturesSchema | ErrorSchema]:
    """Get all flags (SDK)

     Returns the SDK configuration for all feature flags available to the API key. anytoken uses it to
    check that a backend token works.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClientFeaturesSchema | ErrorSchema]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> ClientFeaturesSchema | ErrorSchema | None:
    """Get all flags (SDK)

     Returns the SDK configuration for all feature flags available to the API key. anytoken uses it to
    check that a backend token works.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClientFeaturesSchema | ErrorSchema
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
