from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.clerk_errors import ClerkErrors
from ...models.m2m_token_info import M2MTokenInfo
from ...models.revoke_m2m_token_body import RevokeM2MTokenBody
from ...types import Response


def _get_kwargs(
    m2m_token_id: str,
    *,
    body: RevokeM2MTokenBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/m2m_tokens/{m2m_token_id}/revoke".format(
            m2m_token_id=quote(str(m2m_token_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ClerkErrors | M2MTokenInfo | None:
    if response.status_code == 200:
        response_200 = M2MTokenInfo.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ClerkErrors.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = ClerkErrors.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ClerkErrors | M2MTokenInfo]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    m2m_token_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RevokeM2MTokenBody,
) -> Response[ClerkErrors | M2MTokenInfo]:
    """Revoke a M2M Token

     Revokes a M2M Token. Only stored opaque-format tokens can be revoked; JWT-format tokens are
    stateless.

    Args:
        m2m_token_id (str):
        body (RevokeM2MTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClerkErrors | M2MTokenInfo]
    """

    kwargs = _get_kwargs(
        m2m_token_id=m2m_token_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    m2m_token_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RevokeM2MTokenBody,
) -> ClerkErrors | M2MTokenInfo | None:
    """Revoke a M2M Token

     Revokes a M2M Token. Only stored opaque-format tokens can be revoked; JWT-format tokens are
    stateless.

    Args:
        m2m_token_id (str):
        body (RevokeM2MTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClerkErrors | M2MTokenInfo
    """

    return sync_detailed(
        m2m_token_id=m2m_token_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    m2m_token_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RevokeM2MTokenBody,
) -> Response[ClerkErrors | M2MTokenInfo]:
    """Revoke a M2M Token

     Revokes a M2M Token. Only stored opaque-format tokens can be revoked; JWT-format tokens are
    stateless.

    Args:
        m2m_token_id (str):
        body (RevokeM2MTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClerkErrors | M2MTokenInfo]
    """

    kwargs = _get_kwargs(
        m2m_token_id=m2m_token_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    m2m_token_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RevokeM2MTokenBody,
) -> ClerkErrors | M2MTokenInfo | None:
    """Revoke a M2M Token

     Revokes a M2M Token. Only stored opaque-format tokens can be revoked; JWT-format tokens are
    stateless.

    Args:
        m2m_token_id (str):
        body (RevokeM2MTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClerkErrors | M2MTokenInfo
    """

    return (
        await asyncio_detailed(
            m2m_token_id=m2m_token_id,
            client=client,
            body=body,
        )
    ).parsed
