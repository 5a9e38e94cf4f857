"""The Qrvey provider: widget / Composer security tokens and Admin Center login tokens.

Qrvey runs one host per customer (``https://<instance>.qrveyapp.com``), so there is no default base URL:
set ``QRVEY_BASE_URL`` or pass ``base_url=...``.

* ``widget`` (default): ``POST /devapi/v4/core/login/token`` with ``x-api-key``. The JSON body carries
  ``userid``, ``appid``, optional ``clientid`` and ``expiresIn`` and any further widget configuration
  (``orgId``, ``dashboardId``, ``permissions`` ...), which Qrvey seals into the token. The answer is
  ``{"token": "<JWT>"}``; the expiry is the JWT's ``exp``.
* ``admin``: ``POST /admin/api/v5/login`` with ``{"username", "accessKey"}`` in the body. Later Admin
  Center calls send ``Authorization: jwt <token>``. Qrvey 8.4 deprecates v5 in favour of
  ``/api/admin/v6/login`` (whose body is not documented publicly).

This module imports only light things; the generated client is imported inside :meth:`QrveyProvider.plan`
and the emulator inside :meth:`QrveyProvider.sandbox`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from anytoken.declarations import CredentialField, Param, ProviderInfo, TokenKind
from anytoken.errors import InvalidParameterError
from anytoken.provider import Call, GeneratedProvider, SecretMapping, expect, hookimpl, malformed
from anytoken.tokens import Token, TokenRequest

from ._duration import EXAMPLE, duration_problem

if TYPE_CHECKING:
    from anytoken.devkit.sandbox.model import SandboxProvider

__all__ = ["DECLARATION", "QrveyProvider", "plugin"]

NAME = "qrvey"

#: the declared parameters of the widget kind; anything else is widget configuration carried through
_WIDGET_FIELDS = ("userid", "appid", "clientid", "expiresIn")
#: ``--expires-in`` on the command line arrives as ``expires_in``: an alias, never silently passed through
_EXPIRES_ALIAS = "expires_in"


_WIDGET = TokenKind(
    name="widget",
    help=(
        "A Qrvey security token (JWT) for the Composer API and embedded widgets "
        "(POST /devapi/v4/core/login/token). Extra parameters (orgId, dashboardId, permissions ...) "
        "are widget configuration and are sealed into the token unchanged."
    ),
    params=(
        Param("userid", "str", required=True, help="ID of the Qrvey Composer user that owns the application."),
        Param("appid", "str", required=True, help="ID of the Qrvey application."),
        Param("clientid", "str", help="ID of the end user / tenant the token is for (personalization, Download Manager)."),
        Param(
            "expiresIn",
            "str",
            help=f"Token lifetime, {EXAMPLE} (Qrvey's default applies when omitted). Alias: expires_in.",
        ),
    ),
    credentials=("api_key",),
    extra_params=True,
)
_ADMIN = TokenKind(
    name="admin",
    help=(
        "An Admin Center API token (POST /admin/api/v5/login); later Admin Center calls send "
        "'Authorization: jwt <token>'. Qrvey 8.4 deprecates v5 in favour of /api/admin/v6/login."
    ),
    params=(),
    credentials=("admin_username", "admin_access_key"),
    auth_scheme="jwt",  # Admin Center calls send "Authorization: jwt <token>"
)
DECLARATION = ProviderInfo(
    name=NAME,
    kinds=(_WIDGET, _ADMIN),
    credentials=(
        CredentialField("api_key", env=("QRVEY_API_KEY",), help="The organization's private Qrvey API key (x-api-key)."),
        CredentialField("admin_username", env=("QRVEY_ADMIN_USERNAME",), help="The Admin Center administrator username.", secret=False),
        CredentialField("admin_access_key", env=("QRVEY_ADMIN_ACCESS_KEY",), help="The Admin Center administrator access key."),
    ),
    base_urls=(),
    base_url_env="QRVEY_BASE_URL",
    base_url_example="https://<instance>.qrveyapp.com",
    help="Qrvey embedded analytics: widget / Composer security tokens and Admin Center login tokens.",
    docs_url="https://qrvey.stoplight.io/docs/qrvey-api-doc/ff0303fef339a-generate-token-for-creators",
)


class QrveyProvider(GeneratedProvider):
    """anytoken's Qrvey plugin (entry point ``qrvey = "anytoken_qrvey.plugin:plugin"``)."""

    name = NAME

    def declare(self) -> ProviderInfo:
        return DECLARATION

    # -- calls --------------------------------------------------------------------------------------

    def plan(self, request: TokenRequest) -> Call:
        if request.kind == "admin":
            return self._plan_admin(request)
        return self._plan_widget(request)

    def _plan_widget(self, request: TokenRequest) -> Call:
        from anytoken_qrvey_client.api.composer import generate_widget_security_token
        from anytoken_qrvey_client.client import Client
        from anytoken_qrvey_client.models.widget_token_request import WidgetTokenRequest
        from anytoken_qrvey_client.types import UNSET

        params = dict(request.params)
        expires_field = "expiresIn"
        if _EXPIRES_ALIAS in params:
            expires_field = _EXPIRES_ALIAS
            alias = params.pop(_EXPIRES_ALIAS)
            if "expiresIn" in params:
                raise InvalidParameterError(
                    [(_EXPIRES_ALIAS, "is an alias of expiresIn: pass only one of them")], provider=request.provider, kind=request.kind
                )
            if not isinstance(alias, str):
                raise InvalidParameterError(
                    [(_EXPIRES_ALIAS, f"expected {EXAMPLE}, got {type(alias).__name__}")], provider=request.provider, kind=request.kind
                )
            params["expiresIn"] = alias
        expires_in = params.pop("expiresIn", None)
        if expires_in is not None:
            why = duration_problem(expires_in)
            if why is not None:
                raise InvalidParameterError([(expires_field, why)], provider=request.provider, kind=request.kind)
        clientid = params.pop("clientid", None)
        body = WidgetTokenRequest(
            userid=params.pop("userid"),
            appid=params.pop("appid"),
            clientid=UNSET if clientid is None else clientid,
            expires_in=UNSET if expires_in is None else expires_in,
        )
        body.additional_properties = params  # the widget configuration, unchanged
        api_key = request.credential("api_key")
        return Call(
            endpoint=generate_widget_security_token,
            client_cls=Client,
            kwargs=SecretMapping(body=body, x_api_key=api_key),
            headers=SecretMapping({"x-api-key": api_key}),
            finish=_finish_widget,
        )

    def _plan_admin(self, request: TokenRequest) -> Call:
        from anytoken_qrvey_client.api.admin_center import admin_center_login
        from anytoken_qrvey_client.client import Client
        from anytoken_qrvey_client.models.admin_login_request import AdminLoginRequest

        body = AdminLoginRequest(username=request.credential("admin_username"), access_key=request.credential("admin_access_key"))
        return Call(endpoint=admin_center_login, client_cls=Client, kwargs=SecretMapping(body=body), headers={}, finish=_finish_admin)

    # -- sandbox ------------------------------------------------------------------------------------

    @hookimpl(specname="anytoken_sandbox_providers", optionalhook=True)
    def sandbox(self) -> Iterable[SandboxProvider]:
        from .sandbox import qrvey_sandbox

        return [qrvey_sandbox()]


def _token_value(request: TokenRequest, parsed: Any, status: int) -> str:
    value = getattr(parsed, "token", None)
    if not isinstance(value, str) or not value.strip():
        raise malformed(request, "lacks the token field", status)
    return value


def _finish_widget(request: TokenRequest, response: Any) -> Token:
    parsed = expect(request, response, ok=200)
    value = _token_value(request, parsed, int(response.status_code))
    params: Mapping[str, Any] = request.params
    metadata: dict[str, Any] = {"userid": params["userid"], "appid": params["appid"]}
    if params.get("clientid") is not None:
        metadata["clientid"] = params["clientid"]
    configuration = sorted(k for k in params if k not in _WIDGET_FIELDS and k != _EXPIRES_ALIAS)
    if configuration:
        metadata["configuration"] = configuration
    return Token.from_value(request.provider, request.kind, value, metadata=metadata, raw=parsed)


def _finish_admin(request: TokenRequest, response: Any) -> Token:
    parsed = expect(request, response, ok=200)
    status = int(response.status_code)
    value = _token_value(request, parsed, status)
    if getattr(parsed, "status", None) is False:
        raise malformed(request, "carries a token but reports status false", status)
    metadata = {"authorization_scheme": "jwt", "api_version": "v5"}
    return Token.from_value(request.provider, request.kind, value, metadata=metadata, raw=parsed)


plugin = QrveyProvider()
