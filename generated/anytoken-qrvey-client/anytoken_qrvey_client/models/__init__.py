"""Contains all the data models used in inputs/outputs"""

from .admin_login_request import AdminLoginRequest
from .admin_login_response import AdminLoginResponse
from .error_response import ErrorResponse
from .token_response import TokenResponse
from .widget_token_request import WidgetTokenRequest

__all__ = (
    "AdminLoginRequest",
    "AdminLoginResponse",
    "ErrorResponse",
    "TokenResponse",
    "WidgetTokenRequest",
)
