"""Building blocks for provider plugins that wrap a generated openapi-python-client client.

A plugin subclasses :class:`GeneratedProvider`, declares its provider in :meth:`declare` and, per call,
returns a :class:`Call` from :meth:`plan`: which generated endpoint module to call, with which keyword
arguments and auth headers, and how to turn the typed success response into a :class:`~anytoken.Token`.
The base class runs it synchronously (``sync_detailed``) or with real async I/O (``asyncio_detailed``) on
the pooled clients of ``request.http`` (the wire path, or httpx with ``ANYTOKEN_HTTP=httpx``), and maps
every non-success answer into the error tree at one place, :func:`error_for_response` — so sync and async agree by construction.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from ._context import forget_response, last_response
from ._plugin_kit import SecretMapping, given
from .errors import (
    AuthenticationError,
    InvalidParameterError,
    MalformedResponseError,
    NotFoundError,
    ProviderError,
    ProviderRejectedError,
    ProviderUnavailableError,
    RateLimitedError,
    scrub,
)
from .hookspecs import hookimpl
from .tokens import RevokeRequest, Token, TokenRequest

if TYPE_CHECKING:
    from .declarations import ProviderInfo

__all__ = [
    "Call",
    "RevokeCall",
    "GeneratedProvider",
    "error_for_response",
    "expect",
    "forget_response",
    "last_response",
    "hookimpl",
    "invalid_credential",
    "invalid_param",
    "parse_retry_after",
    "SecretMapping",
    "given",
]

#: a mint or a revocation: what error mapping needs (provider, kind, params, credentials, secrets())
AnyRequest = TokenRequest | RevokeRequest

_REQUEST_ID_HEADERS = ("x-request-id", "x-clerk-trace-id", "request-id", "x-amzn-requestid", "x-trace-id", "cf-ray")
_BODY_ID_KEYS = ("clerk_trace_id", "request_id", "requestId", "trace_id", "id")


class DetailedResponse(Protocol):
    """The ``Response`` of any generated client."""

    @property
    def status_code(self) -> Any: ...
    @property
    def content(self) -> bytes: ...
    @property
    def headers(self) -> Any: ...
    @property
    def parsed(self) -> Any: ...


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from ``retry-after-ms`` or ``Retry-After`` (delta-seconds or HTTP date); None if absent/bad."""
    lower = {k.lower(): v for k, v in headers.items()}
    ms = lower.get("retry-after-ms")
    if ms is not None:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = lower.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # rare path: keep email out of start-up

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _message_from(body: Any) -> str | None:
    if isinstance(body, str):
        return body
    if isinstance(body, list) and body:
        return _message_from(body[0])
    if not isinstance(body, dict):
        return None
    for key in ("errors", "details", "error"):
        inner = body.get(key)
        if isinstance(inner, list | dict) and inner:
            found = _message_from(inner)
            if found:
                return found
    parts = [body.get(k) for k in ("long_message", "message", "detail", "title", "description", "error_description")]
    texts = [p for p in parts if isinstance(p, str) and p]
    if isinstance(body.get("error"), str):
        texts.append(body["error"])
    return texts[0] if texts else None


def _request_id(headers: Mapping[str, str], body: Any) -> str | None:
    lower = {k.lower(): v for k, v in headers.items()}
    for name in _REQUEST_ID_HEADERS:
        if lower.get(name):
            return lower[name][:100]
    if isinstance(body, dict):
        for key in _BODY_ID_KEYS[:-1]:
            value = body.get(key)
            if isinstance(value, str) and value:
                return value[:100]
    return None


def _decode(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        try:
            return content[:300].decode("utf-8", "replace")
        except Exception:  # pragma: no cover - decode with "replace" cannot fail
            return None


def error_for_response(request: AnyRequest, status: int, headers: Mapping[str, str], content: bytes) -> ProviderError:
    """The one translation point from a provider's non-success HTTP answer to the error tree."""
    body = _decode(content[:65536])
    detail = _message_from(body)
    detail = scrub(detail, request.secrets()).rstrip(". ") if detail else None
    where: dict[str, Any] = {"provider": request.provider, "kind": request.kind, "status": status, "request_id": _request_id(headers, body)}
    suffix = f": {detail}" if detail else ""
    if status in (401, 403):
        fields = " / ".join(request.credentials) or "credential"
        action = "was rejected" if status == 401 else "lacks the permission"
        return AuthenticationError(f"the provider says the {fields} {action}{suffix}. Check {_key_source(request)}", **where)
    if status == 404:
        return NotFoundError(f"not found{suffix}. Check the ids you passed ({_ids(request)})", **where)
    if status == 429:
        retry_after = parse_retry_after(headers)
        return RateLimitedError(f"rate limited{suffix}", retry_after=retry_after, **where)
    if status in (400, 409, 413, 415, 422) or (400 <= status < 500 and status != 408):
        return ProviderRejectedError(f"the provider rejected the request{suffix}", **where)
    if status == 503 or status == 408 or status >= 500:
        err = ProviderUnavailableError(f"the provider failed{suffix}. Try again later", **where)
        err.retry_after = parse_retry_after(headers)  # type: ignore[attr-defined]
        return err
    return ProviderError(f"unexpected HTTP status {status}{suffix}", **where)


def _key_source(request: AnyRequest) -> str:
    """Where the rejected credentials came from: their environment variables (or the call's credentials)."""
    envs: list[str] = []
    for name in request.credentials:
        try:
            envs += [e for e in request.info.credential(name).env if e not in envs]
        except (KeyError, AttributeError):
            continue
    return f"the key and its environment ({' / '.join(envs)})" if envs else "the key and its environment"


_ID_NAME = re.compile(r"(?:^|_)(?:id|ids|sid|uuid|slug|username)$|id$|^(?:project|template)$", re.IGNORECASE)


def _ids(request: AnyRequest) -> str:
    """The path ids of the request (declared ``Param(path=True)`` or named like an id), any scalar type."""
    ids = []
    for k, v in request.params.items():
        declared = request.kind_info.param(k) if request.kind_info is not None else None
        named = (declared is not None and declared.path) or _ID_NAME.search(k)
        if named and isinstance(v, str | int | float | uuid.UUID) and not isinstance(v, bool):
            ids.append(f"{k}={v!r}")
    return ", ".join(ids[:6]) or "none"


def invalid_param(request: TokenRequest, field: str, why: str) -> InvalidParameterError:
    """The usage error (exit 2) for a parameter a plugin finds bad in ``plan()``: ``raise invalid_param(...)``.

    Raising :class:`~anytoken.errors.InvalidParameterError` (or this) from ``plan()`` is how a plugin refuses
    bad user input; any other exception from a plugin is a :class:`~anytoken.errors.PluginError` (a bug).
    """
    return InvalidParameterError([(field, why)], provider=request.provider, kind=request.kind)


def invalid_credential(request: TokenRequest, name: str, why: str) -> InvalidParameterError:
    """The usage error for a credential the plugin checks locally (a malformed PEM key): it names the
    credential and its environment variables, never the value. Raise it from ``plan()``."""
    try:
        envs = request.info.credential(name).env
    except (KeyError, AttributeError):
        envs = ()
    hint = f" (from {' / '.join(envs)})" if envs else ""
    return InvalidParameterError([(f"credentials.{name}", f"{why}{hint}")], provider=request.provider, kind=request.kind)


def expect(request: AnyRequest, response: DetailedResponse, ok: int | Collection[int], *, body: bool = True) -> Any:
    """Return ``response.parsed`` when the status is one of ``ok``; raise the mapped error otherwise."""
    status = int(response.status_code)
    allowed = (ok,) if isinstance(ok, int) else ok
    if status not in allowed:
        raise error_for_response(request, status, dict(response.headers), response.content)
    if body and response.parsed is None:
        raise MalformedResponseError(
            f"HTTP {status} without the documented body", provider=request.provider, kind=request.kind, status=status
        )
    return response.parsed


def malformed(request: AnyRequest, what: str, status: int | None = None) -> MalformedResponseError:
    return MalformedResponseError(f"the provider's answer {what}", provider=request.provider, kind=request.kind, status=status)


@attrs.frozen
class Call:
    """One generated-client call and how to finish it.

    :param endpoint: the generated endpoint module (has ``sync_detailed`` and ``asyncio_detailed``).
    :param client_cls: the generated ``Client`` class.
    :param kwargs: keyword arguments for the endpoint (path params, ``body`` ...), ``client`` excluded.
    :param headers: headers the pooled httpx client sends (auth); part of the pool key.
    :param finish: turns the detailed response into a Token (use :func:`expect` first).
    """

    endpoint: Any
    client_cls: Any
    kwargs: Mapping[str, Any] = attrs.field(repr=False)
    headers: Mapping[str, str] = attrs.field(repr=False)  # holds the credentials
    finish: Callable[[TokenRequest, Any], Token] = attrs.field(repr=False)


@attrs.frozen
class RevokeCall:
    """One generated-client call that revokes a token (:meth:`GeneratedProvider.plan_revoke`).

    :param endpoint: the generated endpoint module (``sync_detailed`` / ``asyncio_detailed``).
    :param client_cls: the generated ``Client`` class.
    :param kwargs: keyword arguments for the endpoint (path params, ``body``), ``client`` excluded.
    :param headers: auth headers (part of the pool key).
    :param ok: the statuses that mean "revoked"; any other is mapped by :func:`error_for_response`.
    """

    endpoint: Any
    client_cls: Any
    kwargs: Mapping[str, Any] = attrs.field(repr=False)  # may hold the token (a path parameter)
    headers: Mapping[str, str] = attrs.field(repr=False)
    ok: tuple[int, ...] = (200,)


_PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError)


def _unparsable(request: AnyRequest, exc: Exception) -> ProviderError:
    raw = last_response.get()
    if raw is not None and not 200 <= raw.status_code < 300:
        return error_for_response(request, raw.status_code, dict(raw.headers), raw.content)
    status = raw.status_code if raw is not None else None
    return MalformedResponseError(
        f"the provider's answer does not have the documented shape ({type(exc).__name__})",
        provider=request.provider,
        kind=request.kind,
        status=status,
    )


class GeneratedProvider:
    """Base class of a provider plugin built on a generated client. Subclasses set :attr:`name` and
    implement :meth:`declare` and :meth:`plan`. A plugin contributes its sandbox emulation with its own
    ``@hookimpl(specname="anytoken_sandbox_providers", optionalhook=True)`` method (docs/hooks.md)."""

    name: str = ""

    def declare(self) -> ProviderInfo:
        raise NotImplementedError

    def plan(self, request: TokenRequest) -> Call:
        raise NotImplementedError

    def plan_revoke(self, request: RevokeRequest) -> RevokeCall | None:
        """How to revoke ``request.token``; None when its kind cannot be revoked (the default)."""
        return None

    # -- hooks --------------------------------------------------------------------------------------

    @hookimpl
    def anytoken_providers(self) -> Iterable[ProviderInfo]:
        return [self.declare()]

    @hookimpl
    def create_token(self, request: TokenRequest) -> Token | None:
        if request.provider != self.name:
            return None
        call = self.plan(request)
        response = _send(request, call.endpoint, call.client_cls, call.headers, call.kwargs)
        return call.finish(request, response)

    @hookimpl
    def acreate_token(self, request: TokenRequest) -> Awaitable[Token] | None:
        if request.provider != self.name:
            return None
        call = self.plan(request)
        return self._arun(request, call)

    async def _arun(self, request: TokenRequest, call: Call) -> Token:
        response = await _asend(request, call.endpoint, call.client_cls, call.headers, call.kwargs)
        return call.finish(request, response)

    @hookimpl
    def revoke_token(self, request: RevokeRequest) -> bool | None:
        if request.provider != self.name:
            return None
        call = self.plan_revoke(request)
        if call is None:
            return None
        response = _send(request, call.endpoint, call.client_cls, call.headers, call.kwargs)
        expect(request, response, call.ok, body=False)
        return True

    @hookimpl
    def arevoke_token(self, request: RevokeRequest) -> Awaitable[bool] | None:
        if request.provider != self.name:
            return None
        call = self.plan_revoke(request)
        if call is None:
            return None
        return self._arevoke(request, call)

    async def _arevoke(self, request: RevokeRequest, call: RevokeCall) -> bool:
        response = await _asend(request, call.endpoint, call.client_cls, call.headers, call.kwargs)
        expect(request, response, call.ok, body=False)
        return True


def _send(request: AnyRequest, endpoint: Any, client_cls: Any, headers: Mapping[str, str], kwargs: Mapping[str, Any]) -> Any:
    """Call a generated endpoint on the pooled sync client; a parse failure becomes the mapped error."""
    client = client_cls(base_url=request.base_url)
    client.set_httpx_client(request.http.generated_client(headers))
    last_response.set(None)
    failure: ProviderError | None = None
    try:
        response = endpoint.sync_detailed(client=client, **kwargs)
    except _PARSE_ERRORS as exc:
        failure = _unparsable(request, exc)
    last_response.set(None)  # the raw response holds the token: do not keep it in the caller's context
    if failure is not None:
        raise failure  # outside the except block: the parser's exception (its text may hold the token) is not chained
    return response


async def _asend(request: AnyRequest, endpoint: Any, client_cls: Any, headers: Mapping[str, str], kwargs: Mapping[str, Any]) -> Any:
    """Async twin of :func:`_send`, on the pooled async client."""
    client = client_cls(base_url=request.base_url)
    client.set_async_httpx_client(request.http.generated_async_client(headers))
    last_response.set(None)
    failure: ProviderError | None = None
    try:
        response = await endpoint.asyncio_detailed(client=client, **kwargs)
    except _PARSE_ERRORS as exc:
        failure = _unparsable(request, exc)
    last_response.set(None)
    if failure is not None:
        raise failure
    return response
