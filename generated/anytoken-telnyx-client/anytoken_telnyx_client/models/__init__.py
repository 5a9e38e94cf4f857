"""Contains all the data models used in inputs/outputs"""

from .error_source import ErrorSource
from .telephony_credential import TelephonyCredential
from .telephony_credential_create_request import TelephonyCredentialCreateRequest
from .telephony_credential_response import TelephonyCredentialResponse
from .telnyx_error import TelnyxError
from .telnyx_error_meta import TelnyxErrorMeta
from .telnyx_errors import TelnyxErrors

__all__ = (
    "ErrorSource",
    "TelephonyCredential",
    "TelephonyCredentialCreateRequest",
    "TelephonyCredentialResponse",
    "TelnyxError",
    "TelnyxErrorMeta",
    "TelnyxErrors",
)
