"""A client library for accessing Qrvey security tokens (anytoken)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
