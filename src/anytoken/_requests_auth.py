"""``anytoken.auth.RequestsAuth``: the requests twin of :class:`~anytoken.auth.HttpxAuth` (``anytoken[requests]``).

Imported only when ``anytoken.auth.RequestsAuth`` is first used, so requests is never loaded otherwise.
A rejected answer (401 or ``error="invalid_token"``) drops that token, and the request is sent once more
with a new one through the same connection adapter (as ``requests.auth.HTTPDigestAuth`` replays), when its
body is bytes or text; a streamed body is not replayed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests
import requests.auth

from ._token_source import TokenSource, rejected

if TYPE_CHECKING:
    from .tokens import Token

__all__ = ["RequestsAuth"]


class _Retry:
    """The response hook of one request: knows the token that was sent."""

    def __init__(self, auth: RequestsAuth, token: Token) -> None:
        self.auth, self.token = auth, token

    def __call__(self, response: requests.Response, **send_kwargs: Any) -> requests.Response:
        if not rejected(response.status_code, response.headers.get("www-authenticate")):
            return response
        self.auth.invalidate(self.token)
        sent = response.request
        if sent.body is not None and not isinstance(sent.body, bytes | str):
            return response  # a stream or a file: it cannot be sent twice
        response.content  # noqa: B018 - read it so the connection can be reused
        response.close()
        again = sent.copy()
        again.deregister_hook("response", self)  # type: ignore[no-untyped-call]
        again.headers[self.auth.header] = self.auth.value(self.auth.get())
        replayed = response.connection.send(again, **send_kwargs)
        replayed.history.append(response)
        replayed.request = again
        return replayed


class RequestsAuth(TokenSource, requests.auth.AuthBase):
    """A ``requests`` auth object; arguments as for :class:`~anytoken.auth.HttpxAuth`."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        token = self.get()
        request.headers[self.header] = self.value(token)
        request.register_hook("response", _Retry(self, token))  # type: ignore[no-untyped-call]
        return request
