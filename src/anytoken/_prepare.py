"""Building requests: a call's provider, options and parameters → a validated :class:`~anytoken.TokenRequest`
(or, for a token to revoke, a :class:`~anytoken.RevokeRequest`), without touching the network.

The steps (``docs/architecture.md``): resolve the provider's declaration (importing only its plugin) →
validate the parameters against the kind, filling declared ones from their environment variables → resolve
the base URL (explicit argument > the Client's ``base_urls`` > the provider's environment variable > the
declared default for the environment) and check it → resolve the credentials (``_credentials``).

:class:`RequestBuilder` holds the Client's configuration for this and one memo: a call's arguments →
its :class:`Prepared` request, kept while the environment variables the request read hold their values.
Both ``create_token`` (a fresh copy of the request per call) and ``get_token`` (the cache key stored
beside it) read that memo, so a repeated call pays neither for validation nor for resolution.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._call import CallOptions
from ._credentials import client_credentials, resolve_credentials
from .errors import InvalidParameterError, MissingBaseURLError, UsageError, did_you_mean, scrub
from .tokens import RevokeRequest, Token, TokenRequest

if TYPE_CHECKING:
    from ._http import HttpPools
    from ._secrets import Secret
    from .declarations import ProviderInfo, TokenKind
    from .plugins import Registry

__all__ = ["Prepared", "RequestBuilder", "env_values", "freeze"]

MEMO_SIZE = 1024


def freeze(value: Any) -> Any:
    """A hashable stand-in for call arguments (raises TypeError for values it cannot freeze)."""
    if isinstance(value, Mapping):
        try:
            return frozenset(value.items())  # the common case: flat, hashable values
        except TypeError:
            return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    hash(value)
    return value


def env_values(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[Any, ...]:
    """The current values of ``names``. For ``os.environ`` its underlying bytes dict is read directly:
    ``os.environ.get`` encodes and decodes on every call, which would be most of a cache hit's cost."""
    if env is os.environ and os.name == "posix":  # elsewhere _data's keys are not the encoded names
        raw = getattr(os.environ, "_data", None)
        if isinstance(raw, dict):
            return tuple(raw.get(os.fsencode(n)) for n in names)
    return tuple(env.get(n) for n in names)


def _env_names(request: TokenRequest) -> tuple[str, ...]:
    """The environment variables that building this request consulted (credentials, parameters, base URL)."""
    kind = request.kind_info
    names = [env for name in (*kind.credentials, *kind.optional_credentials) for env in request.info.credential(name).env]
    names += [env for p in kind.params for env in p.env]
    if request.info.base_url_env:
        names.append(request.info.base_url_env)
    return tuple(names)


def _blame_source(exc: InvalidParameterError, derived: str | None, params: Mapping[str, Any], provider: str) -> InvalidParameterError:
    """A base URL the declaration derived from a parameter (OAuth 2.0's ``issuer``, ``token_url``) is that
    parameter's fault: the error names it instead of ``base_url``."""
    if derived is None:
        return exc
    source = next((name for name, value in params.items() if value == derived), None)  # the parameter it was read from
    if source is None:
        return exc
    return InvalidParameterError(
        [(source if field == "base_url" else field, why) for field, why in exc.problems], provider=provider, kind=exc.kind
    )


def _idempotency_key() -> str:
    """128 random bits as 32 hex digits (uuid4's strength without importing uuid: ~2 ms at start-up)."""
    return os.urandom(16).hex()


def _detached(params: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``params`` sharing no list or dict with them: a ``json``/``object`` value is the caller's own
    object, which the caller (or a plugin, in ``request.params``) may change after the call."""
    return {k: copy.deepcopy(v) if isinstance(v, dict | list) else v for k, v in params.items()}


class Prepared:
    """A memoised request: the template, what it read from the environment, and (once asked) its cache key.

    The template owns its parameters (nested values are copied in), and each :meth:`fresh` request gets
    its own copy, so neither a caller changing a value it passed nor a plugin changing ``request.params``
    reaches a later call."""

    __slots__ = ("_nested", "cache_key", "env_names", "env_vals", "request")

    def __init__(self, request: TokenRequest, env_names: tuple[str, ...], env_vals: tuple[Any, ...]) -> None:
        self._nested = any(isinstance(v, dict | list) for v in request.params.values())
        self.request = self._copy(request) if self._nested else request
        self.env_names = env_names
        self.env_vals = env_vals
        self.cache_key: str | None = None  # filled by the cache front on the first get_token

    def fresh(self) -> TokenRequest:
        """A request of its own for one call: a new idempotency key and a copy of the parameters."""
        return self._copy(self.request)

    def _copy(self, r: TokenRequest) -> TokenRequest:
        params = _detached(r.params) if self._nested else dict(r.params)
        return TokenRequest(
            r.provider, r.kind, params, r.credentials, r.base_url, r.http, r.info, r.kind_info, _idempotency_key(), r.environment
        )


class RequestBuilder:
    """The Client's request configuration (registry, environment, base URLs, credentials) and the memo."""

    def __init__(
        self,
        *,
        registry: Registry,
        env: Mapping[str, str],
        pools: Callable[[], HttpPools],
        base_urls: Mapping[str, str] | None,
        credentials: Mapping[str, Mapping[str, str] | str] | None,
        allow_insecure_http: bool,
    ) -> None:
        self.registry = registry
        self.env = env
        self._pools = pools
        self.base_urls = dict(base_urls or {})
        self.credentials = {p: client_credentials(p, v) for p, v in (credentials or {}).items()}
        self.allow_insecure_http = allow_insecure_http
        self._memo: dict[Any, Prepared] = {}
        if self.base_urls or self.credentials:
            self.check_configuration()

    def check_configuration(self) -> None:
        """``Client(credentials=, base_urls=)`` name installed providers, and the base URLs are usable: a typo
        would otherwise fall back to the environment's credentials (maybe another tenant's) at call time."""
        from ._http import check_base_url

        installed = self.registry.names()
        problems: list[tuple[str, str]] = []
        for field, names in (("credentials", self.credentials), ("base_urls", self.base_urls)):
            for name in names:
                if name not in installed:
                    hint = did_you_mean(str(name), installed) or " (anytoken providers lists the installed ones)"
                    problems.append((f"Client({field}[{scrub(str(name)[:60])!r}])", f"no installed provider has this name.{hint}"))
        if problems:
            raise InvalidParameterError(problems)
        for name, url in self.base_urls.items():
            try:  # the shape only: plain http is decided per call (allow_insecure_http may be changed later)
                check_base_url(url, provider=name, allow_insecure_http=True)
            except InvalidParameterError as exc:
                problems += [(f"Client(base_urls[{name!r}])", why) for _, why in exc.problems]
        if problems:
            raise InvalidParameterError(problems)

    # -- mint requests -----------------------------------------------------------------------------

    def prepare(self, provider: str, options: CallOptions, params: Mapping[str, Any]) -> TokenRequest:
        """Validate everything about a call without touching the network (no memo)."""
        info = self.registry.provider(provider)
        kind_info = info.kind(options.kind)
        clean = kind_info.validate(self._params_from_env(kind_info, params), provider=info.name)
        environment = str(clean[info.env_param]) if info.env_param and info.env_param in clean else None
        base_url = options.base_url
        derived = info.base_url_from(clean) if info.base_url_from is not None and base_url is None else None
        try:
            url = self._checked_url(info, derived or self.base_url(info, base_url, environment))
        except InvalidParameterError as exc:
            raise _blame_source(exc, derived, clean, info.name) from None
        from ._http_session import HttpSession

        return TokenRequest(
            provider=info.name,
            kind=kind_info.name,
            params=clean,
            credentials=self.resolve_credentials(info, kind_info, options.credentials),
            base_url=url,
            http=HttpSession(self._pools(), url),
            info=info,
            kind_info=kind_info,
            idempotency_key=_idempotency_key(),
            environment=environment,
        )

    def prepared(self, provider: str, options: CallOptions, params: Mapping[str, Any]) -> Prepared:
        """:meth:`prepare`, memoised per call arguments: validation, URL checks and credential resolution run
        once per distinct call while the environment variables they read keep their values (~25% of
        anytoken's own per-mint CPU otherwise). Arguments that cannot be hashed are prepared every time."""
        try:
            fast: Any = (
                provider,
                options.kind,
                options.base_url,
                self.base_urls.get(provider),
                freeze(options.credentials),
                freeze(params),
                self.allow_insecure_http,
            )
        except TypeError:
            fast = None
        memo = self._memo
        if fast is not None:
            entry = memo.get(fast)
            if entry is not None and env_values(self.env, entry.env_names) == entry.env_vals:
                return entry
        request = self.prepare(provider, options, params)
        names = _env_names(request)
        entry = Prepared(request, names, env_values(self.env, names))
        if fast is not None and (fast in memo or len(memo) < MEMO_SIZE):  # a stale entry is replaced in place
            memo[fast] = entry
        return entry

    def _params_from_env(self, kind: TokenKind, params: Mapping[str, Any]) -> Mapping[str, Any]:
        """``params`` plus declared parameters read from their environment variables (``Param.env``)."""
        filled: dict[str, Any] | None = None
        for p in kind.params:
            if p.env and params.get(p.name) is None:
                value = next((self.env[e] for e in p.env if self.env.get(e)), None)
                if value is not None:
                    filled = filled if filled is not None else dict(params)
                    filled[p.name] = value
        return params if filled is None else filled

    # -- revocation requests -----------------------------------------------------------------------

    def prepare_revoke(self, token: Token, *, credentials: Mapping[str, str] | str | None, base_url: str | None) -> RevokeRequest:
        """The :class:`~anytoken.RevokeRequest` for ``token``: credentials and base URL resolve as for a mint."""
        if not isinstance(token, Token):
            raise UsageError(f"revoke_token needs the Token that create_token returned, not a {type(token).__name__}")
        info = self.registry.provider(token.provider)
        kind_info = info.kind(token.kind)
        env_value = token.metadata.get(info.env_param) if info.env_param else None
        environment = env_value if isinstance(env_value, str) else None
        derived = info.base_url_from(token.metadata) if info.base_url_from is not None and base_url is None else None
        url = self._checked_url(info, derived or self.base_url(info, base_url, environment))
        from ._http_session import HttpSession

        return RevokeRequest(
            token=token,
            credentials=self.resolve_credentials(info, kind_info, credentials),
            base_url=url,
            http=HttpSession(self._pools(), url),
            info=info,
            kind_info=kind_info,
            environment=environment,
        )

    # -- shared resolution -------------------------------------------------------------------------

    def base_url(self, info: ProviderInfo, explicit: str | None, environment: str | None) -> str:
        """Explicit argument > ``Client(base_urls=)`` > the provider's environment variable > the default."""
        if explicit is not None:
            return explicit
        if info.name in self.base_urls:
            return self.base_urls[info.name]
        if info.base_url_env and self.env.get(info.base_url_env):
            return self.env[info.base_url_env]
        urls = dict(info.base_urls)
        if environment is not None and environment in urls:
            return urls[environment]
        if info.base_urls:
            return info.base_urls[0][1]
        raise MissingBaseURLError(info.name, info.base_url_env, info.base_url_example)

    def _checked_url(self, info: ProviderInfo, url: str) -> str:
        from ._http import check_base_url

        return check_base_url(url, provider=info.name, allow_insecure_http=self.allow_insecure_http)

    def resolve_credentials(self, info: ProviderInfo, kind: TokenKind, explicit: Mapping[str, str] | str | None) -> dict[str, Secret]:
        return resolve_credentials(info, kind, explicit, configured=self.credentials.get(info.name), env=self.env)
