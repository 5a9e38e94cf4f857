from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.token_response import TokenResponse
from ...models.widget_token_request import WidgetTokenRequest
from ...types import Response


def _get_kwargs(
    *,
    body: WidgetTokenRequest,
    x_api_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["x-api-key"] = x_api_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/devapi/v4/core/login/token",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

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
    client: AuthenticatedClient | Client,
    body: WidgetTokenRequest,
    x_api_key: str,
) -> Response[ErrorResponse | TokenResponse]:
    """Generate Token for Creators (widget security token)

     Create a JWT for the Qrvey Composer API and embedded widgets. Keys beyond `userid`, `appid`,
    `clientid` and `expiresIn` (e.g. `orgId`, `dashboardId`, `permissions`) are widget configuration and
    are carried into the token.

    Args:
        x_api_key (str):
        body (WidgetTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_api_key=x_api_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: WidgetTokenRequest,
    x_api_key: str,
) -> ErrorResponse | TokenResponse | None:
    """Generate Token for Creators (widget security token)

     Create a JWT for the Qrvey Composer API and embedded widgets. Keys beyond `userid`, `appid`,
    `clientid` and `expiresIn` (e.g. `orgId`, `dashboardId`, `permissions`) are widget configuration and
    are carried into the token.

    Args:
        x_api_key (str):
        body (WidgetTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TokenResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        x_api_key=x_api_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WidgetTokenRequest,
    x_api_key: str,
) -> Response[ErrorResponse | TokenResponse]:
    """Generate Token for Creators (widget security token)

     Create a JWT for the Qrvey Composer API and embedded widgets. Keys beyond `userid`, `appid`,
    `clientid` and `expiresIn` (e.g. `orgId`, `dashboardId`, `permissions`) are widget configuration and
    are carried into the token.

    Args:
        x_api_key (str):
        body (WidgetTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_api_key=x_api_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: WidgetTokenRequest,
    x_api_key: str,
) -> ErrorResponse | TokenResponse | None:
    """Generate Token for Creators (widget security token)

     Create a JWT for the Qrvey Composer API and embedded widgets. Keys beyond `userid`, `appid`,
    `clientid` and `expiresIn` (e.g. `orgId`, `dashboardId`, `permissions`) are widget configuration and
    are carried into the token.

    Args:
        x_api_key (str):
        body (WidgetTokenRequest):

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
            x_api_key=x_api_key,
        )
    ).parsed
