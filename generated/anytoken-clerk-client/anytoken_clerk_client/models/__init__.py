"""Contains all the data models used in inputs/outputs"""

from .actor_token import ActorToken
from .actor_token_actor import ActorTokenActor
from .actor_token_object import ActorTokenObject
from .actor_token_status import ActorTokenStatus
from .clerk_error import ClerkError
from .clerk_error_meta import ClerkErrorMeta
from .clerk_errors import ClerkErrors
from .clerk_errors_meta import ClerkErrorsMeta
from .create_actor_token_body import CreateActorTokenBody
from .create_actor_token_body_actor import CreateActorTokenBodyActor
from .create_m2m_token_body import CreateM2MTokenBody
from .create_m2m_token_body_token_format import CreateM2MTokenBodyTokenFormat
from .create_session_token_body import CreateSessionTokenBody
from .create_session_token_from_template_body import CreateSessionTokenFromTemplateBody
from .create_sign_in_token_body import CreateSignInTokenBody
from .m2m_token import M2MToken
from .m2m_token_info import M2MTokenInfo
from .m2m_token_info_object import M2MTokenInfoObject
from .m2m_token_object import M2MTokenObject
from .revoke_m2m_token_body import RevokeM2MTokenBody
from .session_token import SessionToken
from .session_token_object import SessionTokenObject
from .sign_in_token import SignInToken
from .sign_in_token_object import SignInTokenObject
from .sign_in_token_status import SignInTokenStatus
from .testing_token import TestingToken
from .testing_token_object import TestingTokenObject

__all__ = (
    "ActorToken",
    "ActorTokenActor",
    "ActorTokenObject",
    "ActorTokenStatus",
    "ClerkError",
    "ClerkErrorMeta",
    "ClerkErrors",
    "ClerkErrorsMeta",
    "CreateActorTokenBody",
    "CreateActorTokenBodyActor",
    "CreateM2MTokenBody",
    "CreateM2MTokenBodyTokenFormat",
    "CreateSessionTokenBody",
    "CreateSessionTokenFromTemplateBody",
    "CreateSignInTokenBody",
    "M2MToken",
    "M2MTokenInfo",
    "M2MTokenInfoObject",
    "M2MTokenObject",
    "RevokeM2MTokenBody",
    "SessionToken",
    "SessionTokenObject",
    "SignInToken",
    "SignInTokenObject",
    "SignInTokenStatus",
    "TestingToken",
    "TestingTokenObject",
)
