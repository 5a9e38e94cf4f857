"""Contains all the data models used in inputs/outputs"""

from .access_token import AccessToken
from .error_response import ErrorResponse
from .login_request import LoginRequest
from .login_response import LoginResponse

__all__ = (
    "AccessToken",
    "ErrorResponse",
    "LoginRequest",
    "LoginResponse",
)
