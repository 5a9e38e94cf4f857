"""Contains all the data models used in inputs/outputs"""

from .authorization_server_metadata import AuthorizationServerMetadata
from .error_response import ErrorResponse
from .introspection_request import IntrospectionRequest
from .introspection_response import IntrospectionResponse
from .revocation_request import RevocationRequest
from .token_request import TokenRequest
from .token_response import TokenResponse

__all__ = (
    "AuthorizationServerMetadata",
    "ErrorResponse",
    "IntrospectionRequest",
    "IntrospectionResponse",
    "RevocationRequest",
    "TokenRequest",
    "TokenResponse",
)
