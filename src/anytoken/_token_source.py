"""What both auth objects (:class:`~anytoken.auth.HttpxAuth`, ``RequestsAuth``) share: which token, from which
client, in which header, and when an answer says the token was refused."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._call import CallOptions
from .errors import UsageError

if TYPE_CHECKING:
    from .client import Client
    from .tokens import Token

__all__ = ["TokenSource", "rejected"]

_INVALID_TOKEN = re.compile(r"""\berror\s*=\s*"?invalid_token\b""", re.IGNORECASE)
#: the call options an auth object takes besides ``kind`` and ``allow_persistent`` (never ``force_refresh``)
_CALL_ARGS = tuple(name for name in CallOptions._fields if name not in ("kind", "allow_persistent", "force_refresh"))


def rejected(status: int, www_authenticate: str | None) -> bool:
    """True when an answer says the token was refused: 401, or RFC 6750's ``error="invalid_token"``."""
    return status == 401 or (www_authenticate is not None and _INVALID_TOKEN.search(www_authenticate) is not None)


class TokenSource:
    """What both auth objects share: which token, from which client, in which header."""

    def __init__(
        self, provider: str, *, kind: str | None = None, client: Client | None = None, allow_persistent: bool = False, **params: Any
    ) -> None:
        self._client = client
        self.provider = provider
        info = self.client.registry.provider(provider)
        kind_info = info.kind(kind)
        where: dict[str, Any] = {"provider": info.name, "kind": kind_info.name}
        if not kind_info.reusable:
            raise UsageError(
                f"{info.name}/{kind_info.name} tokens are single-use: an auth object would need a new one per request", **where
            )
        if kind_info.auth_header is None:
            raise UsageError(
                "tokens of this kind are not sent in an HTTP header (the plugin declares auth_header=None): "
                "use get_token and hand the token to whatever consumes it",
                **where,
            )
        if kind_info.persistent and not allow_persistent:
            raise UsageError(
                "minting a token of this kind can create a resource at the provider that lives until it is revoked or expires: "
                "pass allow_persistent=True to let this auth object mint one, reuse it, and mint again when the API rejects it",
                **where,
            )
        self.kind = kind
        self.header = kind_info.auth_header
        self.prefix = f"{kind_info.auth_scheme} " if kind_info.auth_scheme else ""
        self.allow_persistent = allow_persistent
        self.call: dict[str, Any] = {name: params.pop(name) for name in _CALL_ARGS if name in params}
        kind_info.validate({k: v for k, v in params.items()}, provider=info.name)  # bad parameters fail here, not per request
        self.params: Mapping[str, Any] = params

    @property
    def client(self) -> Client:
        if self._client is None:
            from .api import default_client

            return default_client()
        return self._client

    def __repr__(self) -> str:
        kind = f", kind={self.kind!r}" if self.kind else ""
        return f"{type(self).__name__}({self.provider!r}{kind}, header={self.header!r})"

    def value(self, token: Token) -> str:
        return self.prefix + token.value

    def get(self) -> Token:
        return self.client.get_token(self.provider, kind=self.kind, allow_persistent=self.allow_persistent, **self.call, **self.params)

    async def aget(self) -> Token:
        return await self.client.aget_token(
            self.provider, kind=self.kind, allow_persistent=self.allow_persistent, **self.call, **self.params
        )

    def _where(self) -> dict[str, Any]:
        return {k: v for k, v in self.call.items() if k in ("credentials", "base_url")}

    def invalidate(self, token: Token) -> None:
        self.client.invalidate(self.provider, kind=self.kind, rejected=token, **self._where(), **self.params)

    async def ainvalidate(self, token: Token) -> None:
        await self.client.ainvalidate(self.provider, kind=self.kind, rejected=token, **self._where(), **self.params)
