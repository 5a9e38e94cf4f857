from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.clerk_errors import ClerkErrors
from ...models.sign_in_token import SignInToken
from ...types import Response


def _get_kwargs(
    sign_in_token_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/sign_in_tokens/{sign_in_token_id}/revoke".format(
            sign_in_token_id=quote(str(sign_in_token_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ClerkErrors | SignInToken | None:
    if response.status_code == 200:
        response_200 = SignInToken.from_dict(response.json())

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
) -> Response[ClerkErrors | SignInToken]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    sign_in_token_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ClerkErrors | SignInToken]:
    """Revoke the given sign-in token

     Revokes a pending sign-in token.

    Args:
        sign_in_token_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClerkErrors | SignInToken]
    """

    kwargs = _get_kwargs(
        sign_in_token_id=sign_in_token_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sign_in_token_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ClerkErrors | SignInToken | None:
    """Revoke the given sign-in token

     Revokes a pending sign-in token.

    Args:
        sign_in_token_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClerkErrors | SignInToken
    """

    return sync_detailed(
        sign_in_token_id=sign_in_token_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    sign_in_token_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ClerkErrors | SignInToken]:
    """Revoke the given sign-in token

     Revokes a pending sign-in token.

    Args:
        sign_in_token_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClerkErrors | SignInToken]
    """

    kwargs = _get_kwargs(
        sign_in_token_id=sign_in_token_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sign_in_token_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ClerkErrors | SignInToken | None:
    """Revoke the given sign-in token

     Revokes a pending sign-in token.

    Args:
        sign_in_token_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClerkErrors | SignInToken
    """

    return (
        await asyncio_detailed(
            sign_in_token_id=sign_in_token_id,
            client=client,
        )
    ).parsed
