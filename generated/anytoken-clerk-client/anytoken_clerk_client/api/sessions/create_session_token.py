from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.clerk_errors import ClerkErrors
from ...models.create_session_token_body import CreateSessionTokenBody
from ...models.session_token import SessionToken
from ...types import UNSET, Response, Unset


def _get_kwargs(
    session_id: str,
    *,
    body: CreateSessionTokenBody | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/sessions/{session_id}/tokens".format(
            session_id=quote(str(session_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ClerkErrors | SessionToken | None:
    if response.status_code == 200:
        response_200 = SessionToken.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ClerkErrors.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ClerkErrors.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ClerkErrors | SessionToken]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    session_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateSessionTokenBody | Unset = UNSET,
) -> Response[ClerkErrors | SessionToken]:
    """Create a session token

     Creates a session JSON Web Token (JWT) based on a session.

    Args:
        session_id (str):
        body (CreateSessionTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClerkErrors | SessionToken]
    """

    kwargs = _get_kwargs(
        session_id=session_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    session_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateSessionTokenBody | Unset = UNSET,
) -> ClerkErrors | SessionToken | None:
    """Create a session token

     Creates a session JSON Web Token (JWT) based on a session.

    Args:
        session_id (str):
        body (CreateSessionTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClerkErrors | SessionToken
    """

    return sync_detailed(
        session_id=session_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    session_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateSessionTokenBody | Unset = UNSET,
) -> Response[ClerkErrors | SessionToken]:
    """Create a session token

     Creates a session JSON Web Token (JWT) based on a session.

    Args:
        session_id (str):
        body (CreateSessionTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClerkErrors | SessionToken]
    """

    kwargs = _get_kwargs(
        session_id=session_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    session_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateSessionTokenBody | Unset = UNSET,
) -> ClerkErrors | SessionToken | None:
    """Create a session token

     Creates a session JSON Web Token (JWT) based on a session.

    Args:
        session_id (str):
        body (CreateSessionTokenBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClerkErrors | SessionToken
    """

    return (
        await asyncio_detailed(
            session_id=session_id,
            client=client,
            body=body,
        )
    ).parsed
