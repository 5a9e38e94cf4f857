"""Authorization server metadata: OpenID Connect Discovery, then RFC 8414, cached per issuer.

The steps are written as a generator that yields the HTTP requests it needs (:class:`Http`) and receives
the responses, so the sync and the async drivers in ``plugin.py`` run the very same code.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Generator
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import attrs

from anytoken.errors import InvalidParameterError, MalformedResponseError, NotFoundError
from anytoken.provider import error_for_response
from anytoken.tokens import RevokeRequest, TokenRequest

__all__ = ["CACHE_SECONDS", "Http", "clear_cache", "discover"]

#: how long discovered metadata is reused (per issuer, per process)
CACHE_SECONDS = 3600.0
_CACHE: dict[str, tuple[float, Any]] = {}
_LOCK = threading.Lock()


@attrs.frozen
class Http:
    """One request the flow needs: keyword arguments for ``httpx.Client.request`` (absolute ``url``)."""

    kwargs: dict[str, Any] = attrs.field(repr=False)  # may hold client credentials

    @property
    def url(self) -> str:
        return str(self.kwargs["url"])


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def _rfc8414_url(issuer: str) -> str:
    """RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, "/.well-known/oauth-authorization-server" + path, "", ""))


def _cached(key: str) -> Any:
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    return None


def discover(request: TokenRequest | RevokeRequest, issuer: str) -> Generator[Http, Any, Any]:
    """The issuer's metadata (a generated ``AuthorizationServerMetadata``), from the cache or the server."""
    key = issuer.rstrip("/")
    hit = _cached(key)
    if hit is not None:
        return hit
    from anytoken_oauth2_client.api.discovery import get_authorization_server_metadata, get_openid_configuration
    from anytoken_oauth2_client.models import AuthorizationServerMetadata

    failures: list[str] = []
    statuses: list[int] = []
    for module, url in (
        (get_openid_configuration, key + "/.well-known/openid-configuration"),
        (get_authorization_server_metadata, _rfc8414_url(issuer)),
    ):
        kwargs = module._get_kwargs()
        kwargs["url"] = url
        response = yield Http(kwargs)
        status = int(response.status_code)
        if status == 429 or status >= 500:
            raise error_for_response(cast(TokenRequest, request), status, dict(response.headers), response.content)
        statuses.append(status)
        if status != 200:
            failures.append(f"{url} answered HTTP {status}")
            continue
        try:
            doc = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            doc = None
        if not isinstance(doc, dict) or not isinstance(doc.get("issuer"), str):
            failures.append(f"{url} is not JSON authorization server metadata")
            continue
        metadata = _parse(AuthorizationServerMetadata, doc)
        if metadata is None or not isinstance(doc.get("token_endpoint"), str) or not doc["token_endpoint"]:
            failures.append(f"{url} is not usable metadata (no token_endpoint)")  # never cached
            continue
        if metadata.issuer.rstrip("/") != key:
            shown = metadata.issuer[:120]
            raise InvalidParameterError(
                [
                    (
                        "issuer",
                        f"the metadata at {url} names issuer {shown!r}, not {issuer!r} (RFC 8414 §3.3 requires them to be "
                        "identical): pass the issuer exactly as the server names it",
                    )
                ],
                provider=request.provider,
                kind=request.kind,
            )
        with _LOCK:
            if len(_CACHE) > 256:
                _CACHE.clear()
            _CACHE[key] = (time.monotonic(), metadata)
        return metadata
    what = "; ".join(failures)
    advice = "Check the issuer URL, or pass token_url=... to skip discovery"
    where: dict[str, Any] = {"provider": request.provider, "kind": request.kind}
    if all(s == 404 for s in statuses):
        raise NotFoundError(f"OAuth 2.0 discovery failed for issuer {issuer}: {what}. {advice}", status=404, **where)
    raise MalformedResponseError(f"OAuth 2.0 discovery failed for issuer {issuer}: {what}. {advice}", status=statuses[-1], **where)


def _parse(model: Any, doc: dict[str, Any]) -> Any:
    try:
        return model.from_dict(doc)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
