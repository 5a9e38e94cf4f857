"""Every error anytoken raises, in one tree.

::

    AnytokenError                      base of everything below; never carries a secret
    ├── UsageError                     the caller asked for something that cannot work (CLI exit 2)
    │   ├── UnknownProviderError       no installed plugin serves that provider name
    │   ├── UnknownKindError           the provider has no token kind of that name
    │   ├── InvalidParameterError      parameters missing, unknown or of the wrong type (names each field)
    │   ├── MissingCredentialError     a credential is neither passed nor in its environment variable
    │   ├── MissingBaseURLError        a per-customer base URL (Qrvey, Unleash) is not configured
    │   ├── InsecureTransportError     a secret would travel over plain http:// to a non-loopback host
    │   ├── ProviderConflictError      two distributions claim one provider name and none was chosen
    │   ├── ClientClosedError          the Client was closed: it never opens connections again
    │   └── WaitWouldDeadlockError     sync get_token on an event loop's thread, its token minted on that loop
    ├── ProviderError                  the provider refused, failed or could not be reached (CLI exit 1)
    │   ├── AuthenticationError        401/403: the key is wrong, revoked or lacks permission
    │   ├── NotFoundError              404: a path id (credential, session, project ...) does not exist
    │   ├── ProviderRejectedError      400/409/422: the provider refused the parameters
    │   ├── RateLimitedError           429 (``retry_after`` in seconds when the provider said)
    │   ├── ProviderUnavailableError   5xx, connection failures, timeouts: try again later
    │   │   └── DeadlineExceededError  the call's overall deadline ran out
    │   ├── AmbiguousMintError         the request may have created a token although no answer came back
    │   └── MalformedResponseError     the answer does not have the documented shape
    └── PluginError                    a plugin is broken: failed import, bad declaration, exception, wrong type

Every error carries ``provider``, ``kind``, ``status`` (HTTP status) and ``request_id`` (the provider's
request/trace id) where known. Messages are one line, say what to do, and never contain a secret: values
that look like the caller's credentials are scrubbed by :func:`scrub` before they reach a message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "AmbiguousMintError",
    "AnytokenError",
    "AuthenticationError",
    "ClientClosedError",
    "DeadlineExceededError",
    "InsecureTransportError",
    "InvalidParameterError",
    "MalformedResponseError",
    "MissingBaseURLError",
    "MissingCredentialError",
    "NotFoundError",
    "PluginError",
    "ProviderConflictError",
    "ProviderError",
    "ProviderRejectedError",
    "ProviderUnavailableError",
    "RateLimitedError",
    "UnknownKindError",
    "UnknownProviderError",
    "UsageError",
    "WaitWouldDeadlockError",
    "scrub",
]

_MAX_MESSAGE = 500


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` on one line, shortened, with every given secret (len >= 4) masked."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = " ".join(text.split())
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text


class AnytokenError(Exception):
    """Base class of every anytoken error."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        kind: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self.message = scrub(message)
        self.provider = provider
        self.kind = kind
        self.status = status
        self.request_id = request_id
        super().__init__(self.message)

    def __str__(self) -> str:
        where = [p for p in (self.provider, self.kind) if p]
        prefix = f"{'/'.join(where)}: " if where else ""
        suffix = []
        if self.status is not None:
            suffix.append(f"HTTP {self.status}")
        if self.request_id:
            suffix.append(f"request id {self.request_id}")
        tail = f" ({', '.join(suffix)})" if suffix else ""
        return f"{prefix}{self.message}{tail}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[object, ...]:  # picklable across processes, keyword state kept
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


def _rebuild(cls: type[AnytokenError], message: str, state: dict[str, object]) -> AnytokenError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


# -- usage ------------------------------------------------------------------------------------------


class UsageError(AnytokenError):
    """The caller asked for something that cannot work; fix the call, not the network."""

    exit_code = 2


def close_names(name: str, candidates: Iterable[str]) -> list[str]:
    """The (at most 3) ``candidates`` closest to ``name`` (difflib), best first."""
    import difflib

    return difflib.get_close_matches(str(name).lower(), sorted(set(candidates)), n=3, cutoff=0.6)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` (or ``'x' or 'y'``) naming the closest ``candidates``; ``""`` when none is close."""
    close = close_names(name, candidates)
    return f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


class UnknownProviderError(UsageError):
    """No installed plugin serves the provider name.

    ``known`` maps first-party provider names to their distributions: only such a name (typed exactly, or
    the closest match when no installed name is close) is ever suggested as a ``pip install``. A package
    name is never built from what the user typed: a typo would name a package anyone could publish.
    """

    def __init__(self, provider: str, available: Sequence[str], *, known: Mapping[str, str] | None = None, disabled: bool = False) -> None:
        names = ", ".join(sorted(available)) or "none"
        safe = scrub(str(provider)[:60])
        not_installed = {k: v for k, v in (known or {}).items() if k not in available}
        if disabled:
            hint = " It is installed, but ANYTOKEN_PLUGINS does not allow it."
        elif provider in not_installed:
            hint = f" Its plugin is not installed: `pip install {not_installed[provider]}`."
        elif close_names(safe, available):
            hint = did_you_mean(safe, available)
        elif close := close_names(safe, not_installed):
            hint = f" Did you mean {close[0]!r}? Its plugin is not installed: `pip install {not_installed[close[0]]}`."
        else:
            hint = " `anytoken providers` lists the installed providers and their kinds."
        super().__init__(f"Provider {safe!r} not found.{hint} Installed providers: {names}.")
        self.available = tuple(sorted(available))


class UnknownKindError(UsageError):
    """The provider has no token kind of that name."""

    def __init__(self, provider: str, kind: str, available: Sequence[str], *, hint: str | None = None) -> None:
        extra = f" {hint}" if hint else did_you_mean(kind, available)
        super().__init__(
            f"Unknown token kind {scrub(kind[:60])!r}. Kinds of {provider}: {', '.join(available)}.{extra}",
            provider=provider,
        )
        self.available = tuple(available)


class InvalidParameterError(UsageError):
    """One or more parameters are missing, unknown or of the wrong type."""

    def __init__(self, problems: Sequence[tuple[str, str]], *, provider: str | None = None, kind: str | None = None) -> None:
        self.problems = tuple(problems)
        text = "; ".join(f"{field}: {why}" for field, why in self.problems)
        super().__init__(f"Invalid parameters: {text}", provider=provider, kind=kind)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(field for field, _ in self.problems)


class MissingCredentialError(UsageError):
    """A credential was neither passed nor found in its environment variable."""

    def __init__(self, field: str, env_vars: Sequence[str], *, provider: str, kind: str | None = None) -> None:
        self.field = field
        self.env_vars = tuple(env_vars)
        where = " or ".join(env_vars)
        hint = f"set {where} or pass credentials={{{field!r}: ...}}" if env_vars else f"pass credentials={{{field!r}: ...}}"
        super().__init__(f"Missing credential {field!r}: {hint}.", provider=provider, kind=kind)


class MissingBaseURLError(UsageError):
    """The provider has no default base URL and none was configured."""

    def __init__(self, provider: str, env_var: str | None, example: str | None = None) -> None:
        hint = f"set {env_var} or pass base_url=..." if env_var else "pass base_url=..."
        eg = f" (e.g. {example})" if example else ""
        super().__init__(f"{provider} needs a base URL: {hint}{eg}.", provider=provider)
        self.env_var = env_var


class InsecureTransportError(UsageError):
    """A secret would be sent over plain HTTP to a host that is not loopback."""


class ClientClosedError(UsageError):
    """The :class:`~anytoken.Client` was closed; a closed client never opens connections again."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "this anytoken Client has been closed: create a new Client, or keep every call inside "
            "`with Client() as client:` / `async with Client() as client:`"
        )


class WaitWouldDeadlockError(UsageError):
    """A sync call on an event loop's thread would wait for an async mint running on that same loop."""


class NotRevocableError(UsageError):
    """The token's kind cannot be revoked (the provider has no such operation, or no installed plugin does it)."""


class ProviderConflictError(UsageError):
    """Several distributions declare the same provider name; the user must choose one."""

    def __init__(self, provider: str, distributions: Sequence[str]) -> None:
        self.distributions = tuple(distributions)
        names = " and ".join(distributions)
        super().__init__(
            f"Provider {provider!r} is declared by {names}; neither is used. Choose one with "
            f"ANYTOKEN_PROVIDER_{_env_name(provider)}=<distribution> or Client(plugins={{{provider!r}: "
            f"'<distribution>'}}), or uninstall the one you do not trust.",
            provider=provider,
        )


def _env_name(provider: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in provider.upper())


# -- provider ---------------------------------------------------------------------------------------


class ProviderError(AnytokenError):
    """The provider refused, failed, or could not be reached."""


class AuthenticationError(ProviderError):
    """401/403: the credential is wrong, revoked or lacks the permission."""


class NotFoundError(ProviderError):
    """404: an id in the path does not exist at the provider."""


class ProviderRejectedError(ProviderError):
    """400/409/422: the provider refused the request's parameters.

    ``error`` / ``error_description``: the provider's own error code and text when it has them (an OAuth 2.0
    ``invalid_scope``, RFC 6749 §5.2), the description scrubbed of the caller's secrets.
    """

    def __init__(self, message: str, *, error: str | None = None, error_description: str | None = None, **where: object) -> None:
        super().__init__(message, **where)  # type: ignore[arg-type]
        self.error = error
        self.error_description = error_description


class RateLimitedError(ProviderError):
    """429: too many requests; ``retry_after`` says how long to wait when the provider told us."""

    def __init__(self, message: str, *, retry_after: float | None = None, **where: object) -> None:
        super().__init__(message, **where)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ProviderUnavailableError(ProviderError):
    """5xx, connection failure or timeout: the provider may answer later."""


class DeadlineExceededError(ProviderUnavailableError):
    """The overall deadline of the call ran out before a token was minted."""


class AmbiguousMintError(ProviderError):
    """The request may have created a token at the provider, but no answer came back.

    Raised instead of a blind retry when minting creates a persistent resource (Unleash API tokens,
    Clerk M2M/actor/sign-in tokens): check the provider for a token created around this time and revoke it
    if unwanted.
    """


class MalformedResponseError(ProviderError):
    """The provider answered success without the documented shape (missing token, bad JSON ...)."""


# -- plugins ----------------------------------------------------------------------------------------


class PluginError(AnytokenError):
    """A plugin is broken: it failed to import, declared a malformed provider, raised, or returned junk."""

    def __init__(self, message: str, *, plugin: str | None = None, distribution: str | None = None, **where: object) -> None:
        self.plugin = plugin
        self.distribution = distribution
        origin = ""
        if plugin or distribution:
            origin = f" [plugin {plugin or '?'} from {distribution or 'unknown distribution'}]"
        super().__init__(message + origin, **where)  # type: ignore[arg-type]
