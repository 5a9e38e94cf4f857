from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.telephony_credential_create_request import TelephonyCredentialCreateRequest
from ...models.telephony_credential_response import TelephonyCredentialResponse
from ...models.telnyx_errors import TelnyxErrors
from ...types import Response


def _get_kwargs(
    *,
    body: TelephonyCredentialCreateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/telephony_credentials",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> TelephonyCredentialResponse | TelnyxErrors | None:
    if response.status_code == 201:
        response_201 = TelephonyCredentialResponse.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = TelnyxErrors.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = TelnyxErrors.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[TelephonyCredentialResponse | TelnyxErrors]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TelephonyCredentialCreateRequest,
) -> Response[TelephonyCredentialResponse | TelnyxErrors]:
    """Create a credential

     Create an On-demand Credential attached to a Credential Connection.

    Args:
        body (TelephonyCredentialCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TelephonyCredentialResponse | TelnyxErrors]
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
    body: TelephonyCredentialCreateRequest,
) -> TelephonyCredentialResponse | TelnyxErrors | None:
    """Create a credential

     Create an On-demand Credential attached to a Credential Connection.

    Args:
        body (TelephonyCredentialCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TelephonyCredentialResponse | TelnyxErrors
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TelephonyCredentialCreateRequest,
) -> Response[TelephonyCredentialResponse | TelnyxErrors]:
    """Create a credential

     Create an On-demand Credential attached to a Credential Connection.

    Args:
        body (TelephonyCredentialCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TelephonyCredentialResponse | TelnyxErrors]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TelephonyCredentialCreateRequest,
) -> TelephonyCredentialResponse | TelnyxErrors | None:
    """Create a credential

     Create an On-demand Credential attached to a Credential Connection.

    Args:
        body (TelephonyCredentialCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TelephonyCredentialResponse | TelnyxErrors
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
