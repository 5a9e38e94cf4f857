"""What a plugin contributes to the sandbox: routes that emulate its provider, seed data, demo inputs.

A route handler is a plain function ``handler(request, state) -> SandboxResponse``. It must behave like
the real API: check the auth header (``state.authorized(...)``), path ids (404), bodies (400/422 in the
provider's own error shape), and answer with the provider's exact response shape and content type.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

__all__ = [
    "BadJSONError",
    "Route",
    "SandboxProvider",
    "SandboxRequest",
    "SandboxResponse",
]


class BadJSONError(ValueError):
    """The request body is not valid JSON."""


@attrs.frozen
class SandboxRequest:
    """An incoming request. ``headers`` keys are lower-case; ``path_params`` come from the route template."""

    method: str
    path: str
    path_params: Mapping[str, str]
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadJSONError(str(exc)) from None

    def bearer(self) -> str | None:
        """The token of an ``Authorization: Bearer <token>`` header, if any."""
        value = self.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@attrs.frozen
class SandboxResponse:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def json(cls, status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> SandboxResponse:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, body, (("content-type", "application/json; charset=utf-8"), *headers))

    @classmethod
    def text(cls, status: int, text: str, headers: tuple[tuple[str, str], ...] = ()) -> SandboxResponse:
        return cls(status, text.encode(), (("content-type", "text/plain; charset=utf-8"), *headers))

    @classmethod
    def empty(cls, status: int, headers: tuple[tuple[str, str], ...] = ()) -> SandboxResponse:
        return cls(status, b"", headers)


# handler(request, state) -> response; ``state`` is the provider's SandboxState (see anytoken.devkit.sandbox).
Handler = Callable[[SandboxRequest, Any], SandboxResponse]


@attrs.frozen
class Route:
    """One emulated operation. ``path`` is relative to the provider's base URL and may hold ``{name}``
    placeholders. ``creates`` marks operations whose success creates a persistent resource (the sandbox
    counts them, so tests can prove nothing was minted twice)."""

    method: str
    path: str
    handler: Handler
    operation_id: str
    creates: bool = False


@attrs.frozen
class SandboxProvider:
    """A provider's emulation.

    ``base_path``: where the sandbox mounts the provider's base URL (e.g. ``/telnyx/v2``).
    ``credentials``: credential field -> the valid value the sandbox accepts (the emulator's seed keys).
    ``seed``: called once with the provider's state to create fixtures (credentials ids, sessions, projects).
    ``examples``: kind -> parameters that mint successfully against the seeded sandbox (used by the demo and
    the conformance suite). ``not_found``: kind -> parameters that make the sandbox answer 404, when the
    kind has a path id. ``invalid``: kind -> parameters the provider rejects with 400/422.
    ``jwt_algorithms``: the algorithms its routes sign JWTs with (``state.sign_jwt``); the sandbox checks at
    construction that it can sign each one (RS256 needs ``cryptography``: the plugin declares it), so a missing
    dependency is one clear error up front, never an HTTP 500 from a route.
    """

    name: str
    base_path: str
    routes: tuple[Route, ...]
    credentials: Mapping[str, str]
    examples: Mapping[str, Mapping[str, Any]]
    seed: Callable[[Any], None] | None = None
    not_found: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    invalid: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    jwt_algorithms: tuple[str, ...] = ()
