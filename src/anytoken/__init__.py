"""anytoken: mint access tokens from any provider through one call.

>>> import anytoken
>>> token = anytoken.create_token("telnyx", credential_id="...")       # doctest: +SKIP
>>> token = await anytoken.acreate_token("clerk", token_format="jwt")  # doctest: +SKIP
"""

from __future__ import annotations

from . import errors
from .api import (
    aclose,
    acreate_token,
    aget_token,
    arevoke_token,
    close,
    create_token,
    default_client,
    get_token,
    list_providers,
    revoke_token,
    set_default_client,
)
from .client import Client
from .declarations import CredentialField, Param, ProviderInfo, TokenKind
from .errors import AnytokenError
from .hookspecs import hookimpl
from .retry import RetryPolicy
from .tokens import RevokeRequest, Token, TokenRequest

__version__ = "0.1.0"

__all__ = [
    "AnytokenError",
    "Client",
    "CredentialField",
    "Param",
    "ProviderInfo",
    "RetryPolicy",
    "RevokeRequest",
    "Token",
    "TokenKind",
    "TokenRequest",
    "__version__",
    "aclose",
    "acreate_token",
    "aget_token",
    "arevoke_token",
    "close",
    "create_token",
    "default_client",
    "errors",
    "get_token",
    "hookimpl",
    "list_providers",
    "revoke_token",
    "set_default_client",
]
