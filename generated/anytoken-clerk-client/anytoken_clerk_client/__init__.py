"""A client library for accessing Clerk Backend API tokens (anytoken)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
