"""What the purpose-built request path (``_wire_sync``, ``_wire_async``) shares: the minimal response the
generated clients read, request encoding as httpx does it, timeouts, the proxy rule.

The generated ``sync_detailed``/``asyncio_detailed`` functions call ``client.get_httpx_client().request(method,
url, headers=..., json=...)`` and read ``status_code``, ``content``, ``headers``, ``json()`` and ``text`` of
what comes back; building an ``httpx.Request`` and ``httpx.Response`` per call costs more than the rest of a
mint (``docs/benchmarks.md``). The wire clients give the generated code exactly that surface and nothing more.
Anything else the generated code might pass (``files``, ``cookies``, an absolute URL, a streamed body) goes
to the pooled httpx client instead (``fallback``), so behaviour never silently differs.

Bodies are encoded byte-for-byte as httpx 0.28 encodes them: JSON compact (``separators=(",", ":")``,
``ensure_ascii=False``, ``allow_nan=False``), forms with ``urlencode(doseq=True)``, ``True``/``False``/
``None`` as ``true``/``false``/empty in query strings and forms.
"""

from __future__ import annotations

import functools
import json as jsonlib
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

__all__ = [
    "SUPPORTED_KWARGS",
    "WireBase",
    "WireHeaders",
    "WireResponse",
    "decode_content",
    "encode_body",
    "phase_timeout",
    "proxy_for",
    "static_headers",
    "target_for",
    "wire_enabled",
]

#: request() keyword arguments the wire path handles itself; any other goes to the httpx fallback
SUPPORTED_KWARGS = frozenset({"headers", "json", "data", "content", "params"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_UNSAFE = re.compile("[\r\n\0]")  # a value with these could split the request
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 token


class WireHeaders(dict[str, str]):
    """Response headers: names lower-cased, case-insensitive lookups, repeated headers joined with ", "
    (as ``httpx.Headers`` reads them). The repr shows names only."""

    def __getitem__(self, key: str) -> str:
        return dict.__getitem__(self, key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self, key.lower(), default)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key.lower() if isinstance(key, str) else key)

    def __repr__(self) -> str:
        return f"WireHeaders({sorted(self)!r})"

    @classmethod
    def of_raw(cls, pairs: Iterable[tuple[bytes, bytes]]) -> WireHeaders:
        """:meth:`of` for raw header bytes (aiohttp's ``raw_headers``), each decoded as latin-1."""
        out = cls()
        for raw_name, raw_value in pairs:
            key, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            if dict.__contains__(out, key):
                value = dict.__getitem__(out, key) + ", " + value
            dict.__setitem__(out, key, value)
        return out

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> WireHeaders:
        out = cls()
        for name, value in pairs:
            key = name.lower()
            if dict.__contains__(out, key):
                value = dict.__getitem__(out, key) + ", " + value
            dict.__setitem__(out, key, value)
        return out


@functools.lru_cache(maxsize=64)
def _charset(ctype: str) -> str:
    """The text encoding a Content-Type names (utf-8 when it names none or an unknown one); a provider sends
    the same few values, so the answer is kept (the codec lookup is most of its cost)."""
    if "charset" not in ctype.lower():
        return "utf-8"
    for part in ctype.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
            try:
                "".encode(charset)
            except LookupError:
                return "utf-8"
            return charset
    return "utf-8"


class WireResponse:
    """The part of ``httpx.Response`` the generated clients and the core read. Never shows its body."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: WireHeaders, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    def json(self, **kwargs: Any) -> Any:
        return jsonlib.loads(self.content, **kwargs)

    @property
    def text(self) -> str:
        return self.content.decode(self.encoding, "replace")

    @property
    def encoding(self) -> str:
        return _charset(self.headers.get("content-type") or "")

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def __repr__(self) -> str:
        return f"<WireResponse [{self.status_code}]>"


class WireBase:
    """What both wire clients keep of their pool: the base URL's parts, the static headers, the limits, the
    httpx client to fall back to and the hook remembering the last response (``provider.last_response``)."""

    def __init__(
        self,
        *,
        base_url: str,
        headers: Mapping[str, str],
        user_agent: str,
        timeout: float,
        max_response_bytes: int,
        max_connections: int,
        ssl_context: Any,
        fallback: Callable[[], Any],
        remember: Callable[[Any], object],
        keepalive_expiry: float = 5.0,
    ) -> None:
        parts = urlsplit(base_url)
        self._parts = parts
        self._prefix = parts.path.rstrip("/")
        self._static = static_headers(base_url, user_agent, headers)
        self._timeout = timeout
        self._limit = max_response_bytes
        self._max_connections = max_connections
        self._ssl_context = ssl_context
        self._expiry = keepalive_expiry
        self._fallback = fallback
        self._remember = remember
        self.closed = False
        self.base_url = base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"  # the headers hold credentials: never shown


def _primitive(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def _pairs(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        if isinstance(value, list | tuple):
            out.extend((str(key), _primitive(v)) for v in value)
        else:
            out.append((str(key), _primitive(value)))
    return out


def encode_body(kwargs: Mapping[str, Any]) -> tuple[bytes, str | None] | None:
    """(body, content type) as httpx encodes ``json``/``data``/``content``; None for what only httpx handles."""
    if "json" in kwargs and kwargs["json"] is not None:
        body = jsonlib.dumps(kwargs["json"], ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        return body, "application/json"
    data = kwargs.get("data")
    if data is not None:
        if not isinstance(data, Mapping):
            return None
        return urlencode(_pairs(data)).encode("ascii"), "application/x-www-form-urlencoded"
    content = kwargs.get("content")
    if content is None:
        return b"", None
    if isinstance(content, str):
        return content.encode("utf-8"), None
    if isinstance(content, bytes):
        return content, None
    return None  # a stream or an iterator: httpx's job


def target_for(prefix: str, url: str, params: Mapping[str, Any] | None) -> str | None:
    """The request target (path and query) for a generated client's relative ``url``; None when it is not a
    plain relative path (httpx's merge rules then apply)."""
    if "://" in url or (params and "?" in url):
        return None
    target = prefix + (url if url.startswith("/") else "/" + url)
    if params:
        target += "?" + urlencode(_pairs(params))
    if not target.isascii() or not target.isprintable() or " " in target:
        from urllib.parse import quote

        target = quote(target, safe="/:@!$&'()*+,;=%?~-._")
    return target


def check_header(name: str, value: str) -> None:
    """A header that could split the request (CR, LF, NUL) is refused, as h11 refuses it for httpx."""
    if _UNSAFE.search(value) or not _NAME.fullmatch(name):
        import httpx

        raise httpx.LocalProtocolError(f"illegal header {name[:40]!r}: line breaks, NUL and ':' are not allowed")


def static_headers(base_url: str, user_agent: str, headers: Mapping[str, str]) -> dict[str, str]:
    """The headers every request of one pool sends (lower-cased names; the pool's own override defaults)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default_port = 443 if parts.scheme == "https" else 80
    if parts.port is not None and parts.port != default_port:
        host = f"{host}:{parts.port}"
    out = {"host": host, "accept": "*/*", "accept-encoding": "gzip, deflate", "user-agent": user_agent}
    for name, value in headers.items():
        check_header(name, value)
        out[name.lower()] = value
    return out


def decode_content(body: bytes, coding: str | None, limit: int) -> bytes:
    """Undo a gzip/deflate Content-Encoding (what httpx decodes without extra packages), at most ``limit``
    bytes out: a small compressed answer cannot inflate past the size cap."""
    if not coding or not body:
        return body
    coding = coding.strip().lower()
    if coding not in ("gzip", "deflate", "x-gzip"):
        return body
    import zlib

    from ._http_limits import ResponseTooLargeError

    wbits = 16 + zlib.MAX_WBITS if coding != "deflate" else zlib.MAX_WBITS
    try:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(body, limit + 1)
    except zlib.error:
        if coding != "deflate":
            raise _decoding_error(coding) from None
        try:  # raw deflate, as some servers send it (httpx accepts both)
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            out = inflater.decompress(body, limit + 1)
        except zlib.error:
            raise _decoding_error(coding) from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise ResponseTooLargeError(limit)
    return out


def _decoding_error(coding: str) -> Exception:
    import httpx

    return httpx.DecodingError(f"the answer's {coding} encoding is corrupt")


def phase_timeout(default: float) -> tuple[float, float | None]:
    """(seconds for each phase of this attempt, the call's deadline or None) from the core's context vars."""
    from ._http_limits import call_deadline, call_timeout

    seconds = call_timeout.get()
    return (default if seconds is None else seconds), call_deadline.get()


def left(seconds: float, deadline: float | None) -> float:
    """The phase timeout, cut to what is left before the deadline (never below 1 ms)."""
    if deadline is None:
        return seconds
    return max(min(seconds, deadline - time.monotonic()), 0.001)


def wire_enabled(env: Mapping[str, str] | None = None) -> bool:
    """False when ``ANYTOKEN_HTTP=httpx`` asks for the httpx path."""
    value = (env if env is not None else os.environ).get("ANYTOKEN_HTTP", "")
    return value.strip().lower() != "httpx"


def proxy_for(base_url: str) -> str | None:
    """The proxy httpx would use for ``base_url`` from the environment (``HTTP(S)_PROXY``, ``ALL_PROXY``,
    ``NO_PROXY``, read as httpx's ``trust_env`` reads them); None for a direct connection.

    Only the environment decides (httpx's own rules, not a re-implementation): when a proxy applies, the core
    sends through httpx with that proxy instead of the wire path."""
    env = os.environ
    if not any(k.lower().endswith("_proxy") for k in env):
        return None  # the common case, without importing httpx's helpers
    import httpx
    from httpx._utils import URLPattern, get_environment_proxies

    url = httpx.URL(base_url)
    mounts = sorted(((URLPattern(p), proxy) for p, proxy in get_environment_proxies().items()), key=lambda m: m[0])
    for pattern, proxy in mounts:  # most specific first, as httpx.Client orders its mounts
        if pattern.matches(url):
            return proxy
    return None
