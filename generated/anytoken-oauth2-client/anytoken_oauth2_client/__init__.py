"""A client library for accessing OAuth 2.0 authorization server (anytoken)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
