"""A client library for accessing Unleash API tokens (anytoken)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
