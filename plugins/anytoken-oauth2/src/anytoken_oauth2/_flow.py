"""One token request: where the server is, the grant's form, client authentication, the answer.

:func:`token_flow` is a generator yielding :class:`~._discovery.Http` requests and receiving responses
(sync and async drivers in ``plugin.py`` share it); it returns the :class:`~anytoken.Token`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import attrs

from anytoken.errors import InsecureTransportError, InvalidParameterError, MalformedResponseError, MissingCredentialError
from anytoken.tokens import RevokeRequest, Token, TokenRequest

from ._auth import authenticate, choose_method
from ._discovery import Http, discover
from ._keys import sign
from ._kinds import GRANT_TYPES
from ._result import token_error, token_from

__all__ = ["Where", "check_endpoint", "scope_list", "token_flow"]

_RESERVED = frozenset(
    {
        "grant_type",
        "client_id",
        "client_secret",
        "client_assertion",
        "client_assertion_type",
        "assertion",
        "subject_token",
        "actor_token",
        "refresh_token",
    }
)


@attrs.frozen
class Where:
    """Where the token endpoint is: an ``issuer`` to discover, and/or a ``token_url`` used as is.

    ``scope_in_assertion`` moves a jwt_bearer scope from the form into the assertion (Google wants it there).
    """

    issuer: str | None
    token_url: str | None
    assertion_issuer: str | None = None
    scope_in_assertion: bool = False
    #: the methods the server supports when there is no metadata (a preset knows its vendor's)
    auth_methods: tuple[str, ...] | None = None
    #: a jwt_bearer signing key that does not come from the private_key credential (Google's key file)
    signing_key: str | None = attrs.field(default=None, repr=False)
    key_id: str | None = None
    #: a jwt_bearer assertion without a subject parameter gets sub = iss (Google wants no sub then)
    subject_defaults_to_issuer: bool = True


def _bad(request: TokenRequest, field: str, why: str) -> InvalidParameterError:
    return InvalidParameterError([(field, why)], provider=request.provider, kind=request.kind)


def scope_list(request: TokenRequest) -> list[str] | None:
    """The requested scope as a list (a string is split on spaces); None when not given."""
    value = request.params.get("scope")
    if value is None:
        return None
    if isinstance(value, str):
        items = value.split()
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [s for v in value for s in v.split()]  # "a b" and ["a", "b"] alike
    else:
        raise _bad(request, "scope", "must be a string or a list of strings")
    if any(not v or " " in v or any(ord(c) < 0x21 or c in '"\\' for c in v) for v in items):
        raise _bad(request, "scope", "each scope must be a non-empty token without spaces, quotes or backslashes (RFC 6749 §3.3)")
    return items


def _extra(request: TokenRequest) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in (request.params.get("extra") or {}).items():
        if name in _RESERVED:
            raise _bad(request, f"extra.{name}", "is set by anytoken from the kind and the credentials: pass it there")
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            out[name] = str(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[name] = list(value)
        else:
            raise _bad(request, f"extra.{name}", "must be a string, a number, a boolean or a list of strings")
    return out


def _loopback(host: str) -> bool:
    return host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost") or host.startswith("127.")


def check_endpoint(request: TokenRequest | RevokeRequest, url: Any, issuer: str | None, what: str) -> str:
    """A discovered endpoint must be an absolute http(s) URL; plain http only to a loopback host, or to the
    very host of a plain-http issuer (which the core already allowed)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise MalformedResponseError(
            f"the authorization server's metadata has no usable {what} (an absolute https URL)",
            provider=request.provider,
            kind=request.kind,
        )
    if parts.scheme == "http" and not _loopback(parts.hostname):
        origin = urlsplit(issuer) if issuer else None
        if origin is None or origin.scheme != "http" or origin.hostname != parts.hostname:
            raise InsecureTransportError(
                f"the authorization server's metadata points {what} at plain http://{parts.hostname}: refusing to send credentials there",
                provider=request.provider,
                kind=request.kind,
            )
    return str(url)


def _grant(request: TokenRequest, where: Where, endpoint: str, scopes: list[str] | None) -> dict[str, Any]:
    params, creds = request.params, request.credentials
    form: dict[str, Any] = {"grant_type": GRANT_TYPES[request.kind]}
    if scopes is not None and not (request.kind == "jwt_bearer" and where.scope_in_assertion):
        form["scope"] = " ".join(scopes)
    if params.get("audience"):
        form["audience"] = params["audience"]
    if params.get("resource"):
        form["resource"] = list(params["resource"])
    if request.kind == "jwt_bearer":
        form["assertion"] = _assertion(request, where, endpoint, scopes)
    elif request.kind == "token_exchange":
        form["subject_token"] = request.credential("subject_token")
        form["subject_token_type"] = params.get("subject_token_type")
        if "actor_token" in creds:
            if not params.get("actor_token_type"):
                raise _bad(request, "actor_token_type", "is required with an actor_token (RFC 8693 §2.1)")
            form["actor_token"] = request.credential("actor_token")
            form["actor_token_type"] = params["actor_token_type"]
        if params.get("requested_token_type"):
            form["requested_token_type"] = params["requested_token_type"]
    elif request.kind == "refresh_token":
        form["refresh_token"] = request.credential("refresh_token")
    return form


def _assertion(request: TokenRequest, where: Where, endpoint: str, scopes: list[str] | None) -> str:
    if "assertion" in request.credentials:
        return request.credential("assertion")
    params = request.params
    iss = params.get("assertion_issuer") or where.assertion_issuer or request.credential("client_id")
    if not isinstance(iss, str):
        raise _bad(request, "assertion_issuer", "must be a string")
    claims: dict[str, Any] = {"iss": iss, "aud": params.get("assertion_audience") or endpoint}
    subject = params.get("subject") or (iss if where.subject_defaults_to_issuer else None)
    if subject:
        claims["sub"] = subject
    if where.scope_in_assertion and scopes:
        claims["scope"] = " ".join(scopes)
    if where.signing_key is not None:
        return sign(request, claims, pem=where.signing_key, key_id=where.key_id)
    if "private_key" in request.credentials:
        return sign(request, claims)
    if "client_secret" in request.credentials:
        return sign(request, claims, hmac_secret=request.credential("client_secret"))
    field = request.info.credential("private_key")
    raise MissingCredentialError("private_key", field.env, provider=request.provider, kind=request.kind)


def token_flow(request: TokenRequest, where: Where) -> Generator[Http, Any, Token]:
    """Discover (unless ``where.token_url``), authenticate, request the token, read the answer."""
    from anytoken_oauth2_client.api.token import request_token
    from anytoken_oauth2_client.models import TokenRequest as Form
    from anytoken_oauth2_client.types import Unset

    scopes = scope_list(request)
    extra = _extra(request)
    metadata = None
    if where.token_url is None:
        if where.issuer is None:
            raise _bad(request, "issuer", "is required (or token_url): where is the authorization server?")
        metadata = yield from discover(request, where.issuer)
        endpoint = check_endpoint(request, getattr(metadata, "token_endpoint", None), where.issuer, "token_endpoint")
    else:
        endpoint = where.token_url
    supported = list(where.auth_methods) if where.auth_methods is not None else None
    if metadata is not None:
        listed = metadata.token_endpoint_auth_methods_supported
        supported = ["client_secret_basic"] if isinstance(listed, Unset) else list(listed)  # RFC 8414 §2 default
    method = choose_method(request, supported, ranked=metadata is None and where.auth_methods is not None)
    headers, auth_fields = authenticate(request, method, endpoint)
    form = {**extra, **_grant(request, where, endpoint, scopes), **auth_fields}
    kwargs = request_token._get_kwargs(body=Form.from_dict(form))
    kwargs["url"] = endpoint
    kwargs["headers"] = {**kwargs["headers"], "Accept": "application/json", **headers}
    response = yield Http(kwargs)
    if int(response.status_code) != 200:
        raise token_error(request, response, method)
    info = _metadata(where, endpoint, method, metadata)
    return token_from(request, response, scopes, info)


def _metadata(where: Where, endpoint: str, method: str, metadata: Any) -> dict[str, Any]:
    """What a later revocation or introspection needs (never a secret)."""
    out: dict[str, Any] = {"token_endpoint": endpoint, "token_endpoint_auth_method": method}
    issuer = getattr(metadata, "issuer", None) or where.issuer
    if issuer:
        out["issuer"] = issuer
    for name in ("revocation_endpoint", "introspection_endpoint"):
        value = getattr(metadata, name, None)
        if isinstance(value, str):
            out[name] = value
    return out
