from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.actor_token import ActorToken
from ...models.clerk_errors import ClerkErrors
from ...types import Response


def _get_kwargs(
    actor_token_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/actor_tokens/{actor_token_id}/revoke".format(
            actor_token_id=quote(str(actor_token_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ActorToken | ClerkErrors | None:
    if response.status_code == 200:
        response_200 = ActorToken.from_dict(response.json())

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
) -> Response[ActorToken | ClerkErrors]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    actor_token_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ActorToken | ClerkErrors]:
    """Revoke actor token

     Revokes a pending actor token.

    Args:
        actor_token_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActorToken | ClerkErrors]
    """

    kwargs = _get_kwargs(
        actor_token_id=actor_token_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    actor_token_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ActorToken | ClerkErrors | None:
    """Revoke actor token

     Revokes a pending actor token.

    Args:
        actor_token_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActorToken | ClerkErrors
    """

    return sync_detailed(
        actor_token_id=actor_token_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    actor_token_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ActorToken | ClerkErrors]:
    """Revoke actor token

     Revokes a pending actor token.

    Args:
        actor_token_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActorToken | ClerkErrors]
    """

    kwargs = _get_kwargs(
        actor_token_id=actor_token_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    actor_token_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ActorToken | ClerkErrors | None:
    """Revoke actor token

     Revokes a pending actor token.

    Args:
        actor_token_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActorToken | ClerkErrors
    """

    return (
        await asyncio_detailed(
            actor_token_id=actor_token_id,
            client=client,
        )
    ).parsed
