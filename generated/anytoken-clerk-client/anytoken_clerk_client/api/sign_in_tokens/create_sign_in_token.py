from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.clerk_errors import ClerkErrors
from ...models.create_sign_in_token_body import CreateSignInTokenBody
from ...models.sign_in_token import SignInToken
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateSignInTokenBody | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/sign_in_tokens",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ClerkErrors | SignInToken | None:
    if response.status_code == 200:
        response_200 = SignInToken.from_dict(response.json())

        return response_200

    if response.status_code == 403:
        response_403 = ClerkErrors.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ClerkErrors.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ClerkErrors.from_dict(response.json())

        return response_422

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
    *,
    client: AuthenticatedClient | Client,
    body: CreateSignInTokenBody | Unset = UNSET,
) -> Response[ClerkErrors | SignInToken]:
    """Create sign-in token

     Creates a new sign-in token for the given user. Sign-in tokens expire in 30 days unless
    `expires_in_seconds` says otherwise.

    Args:
        body (CreateSignInTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClerkErrors | SignInToken]
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
    body: CreateSignInTokenBody | Unset = UNSET,
) -> ClerkErrors | SignInToken | None:
    """Create sign-in token

     Creates a new sign-in token for the given user. Sign-in tokens expire in 30 days unless
    `expires_in_seconds` says otherwise.

    Args:
        body (CreateSignInTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClerkErrors | SignInToken
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateSignInTokenBody | Unset = UNSET,
) -> Response[ClerkErrors | SignInToken]:
    """Create sign-in token

     Creates a new sign-in token for the given user. Sign-in tokens expire in 30 days unless
    `expires_in_seconds` says otherwise.

    Args:
        body (CreateSignInTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClerkErrors | SignInToken]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateSignInTokenBody | Unset = UNSET,
) -> ClerkErrors | SignInToken | None:
    """Create sign-in token

     Creates a new sign-in token for the given user. Sign-in tokens expire in 30 days unless
    `expires_in_seconds` says otherwise.

    Args:
        body (CreateSignInTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClerkErrors | SignInToken
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
