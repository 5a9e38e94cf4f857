from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.actor_token import ActorToken
from ...models.clerk_errors import ClerkErrors
from ...models.create_actor_token_body import CreateActorTokenBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateActorTokenBody | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/actor_tokens",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
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

    if response.status_code == 402:
        response_402 = ClerkErrors.from_dict(response.json())

        return response_402

    if response.status_code == 422:
        response_422 = ClerkErrors.from_dict(response.json())

        return response_422

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
    *,
    client: AuthenticatedClient | Client,
    body: CreateActorTokenBody | Unset = UNSET,
) -> Response[ActorToken | ClerkErrors]:
    """Create actor token

     Create an actor token that can be used to impersonate the given user. The `actor` object must
    include a `sub` key holding the ID of the actor (impersonating) user.

    Args:
        body (CreateActorTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActorToken | ClerkErrors]
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
    body: CreateActorTokenBody | Unset = UNSET,
) -> ActorToken | ClerkErrors | None:
    """Create actor token

     Create an actor token that can be used to impersonate the given user. The `actor` object must
    include a `sub` key holding the ID of the actor (impersonating) user.

    Args:
        body (CreateActorTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActorToken | ClerkErrors
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateActorTokenBody | Unset = UNSET,
) -> Response[ActorToken | ClerkErrors]:
    """Create actor token

     Create an actor token that can be used to impersonate the given user. The `actor` object must
    include a `sub` key holding the ID of the actor (impersonating) user.

    Args:
        body (CreateActorTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActorToken | ClerkErrors]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateActorTokenBody | Unset = UNSET,
) -> ActorToken | ClerkErrors | None:
    """Create actor token

     Create an actor token that can be used to impersonate the given user. The `actor` object must
    include a `sub` key holding the ID of the actor (impersonating) user.

    Args:
        body (CreateActorTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActorToken | ClerkErrors
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
