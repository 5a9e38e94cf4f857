"""A client library for accessing Quadrata API access token (anytoken)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
