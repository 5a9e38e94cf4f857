"""The sync clients a worker process runs (anytoken's rows, the raw floors, the SDKs) and what they share:
the recorded request the raw clients replay. Third-party clients are imported through ``importlib`` so this
file type-checks without them installed."""

from __future__ import annotations

import base64
import importlib
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

Json = dict[str, Any]
SyncMint = Callable[[], object]
AsyncMint = Callable[[], Awaitable[object]]


def _mod(name: str) -> Any:
    return importlib.import_module(name)


# -- the recorded request -----------------------------------------------------------------------------


class Replay:
    """One recorded HTTP request, replayed by the raw clients (fresh Idempotency-Key each time)."""

    def __init__(self, data: Json) -> None:
        self.method: str = data["method"]
        self.url: str = data["url"]
        parts = urlsplit(self.url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.body: bytes = base64.b64decode(data["body"])
        self.idem = [k for k, _ in data["headers"] if k.lower() == "idempotency-key"]
        skip = {"host", "content-length", "idempotency-key", "accept-encoding", "connection", "user-agent"}
        self.headers: dict[str, str] = {k: v for k, v in data["headers"] if k.lower() not in skip}
        self.headers["user-agent"] = "bench"

    def fresh_headers(self) -> dict[str, str]:
        if not self.idem:
            return self.headers
        return {**self.headers, self.idem[0]: str(uuid.uuid4())}


def _check_status(status: int, body: bytes) -> None:
    if not 200 <= status < 300:
        raise RuntimeError(f"HTTP {status}: {body[:200]!r}")


# -- anytoken -------------------------------------------------------------------------------------------


def _anytoken_client(cfg: Json, **kw: Any) -> Any:
    import anytoken

    target = cfg["target"]
    return anytoken.Client(
        base_urls={target["provider"]: target["base_url"]},
        credentials={target["provider"]: target["credentials"]},
        **kw,
    )


# anytoken rows: impl -> the environment of its Client (the request path it runs on)
ANYTOKEN_ENVS: dict[str, dict[str, str]] = {
    "anytoken": {},  # the default: the wire clients (no httpx objects per call)
    "anytoken-httpx": {"ANYTOKEN_HTTP": "httpx"},  # httpx's client; async over the core's aiohttp transport
    "anytoken-httpx-backend": {"ANYTOKEN_HTTP": "httpx", "ANYTOKEN_ASYNC_TRANSPORT": "httpx"},  # httpx + httpcore
}


def _aiohttp_transport() -> Any:
    return _mod("httpx_aiohttp").AiohttpTransport(trust_env=False)


def _sync_anytoken(cfg: Json) -> tuple[SyncMint, Callable[[], None]]:
    target = cfg["target"]
    client = _anytoken_client(cfg, env=ANYTOKEN_ENVS[cfg["impl"]])
    provider, kind, params = target["provider"], target["kind"], target["params"]

    def mint() -> object:
        return client.create_token(provider, kind=kind, **params)

    return mint, client.close


def _canned(cfg: Json, client: Any, is_async: bool) -> None:
    """Replace the client's request path by one answering the recorded response at once: what is left is
    anytoken's own per-call work (prepare, plugin plan, the generated code, finish, Token, retry loop, audit)."""
    from anytoken._wire import WireHeaders, WireResponse
    from anytoken.provider import last_response

    rec = cfg["target"]["requests"][-1]["response"]
    response = WireResponse(rec["status"], WireHeaders.of(rec["headers"]), base64.b64decode(rec["body"]))

    class Canned:
        def request(self, method: str, url: str, **kwargs: Any) -> Any:
            last_response.set(response)
            return response

    class ACanned:
        async def request(self, method: str, url: str, **kwargs: Any) -> Any:
            last_response.set(response)
            return response

    canned: Any = ACanned() if is_async else Canned()
    name = "generated_async_client" if is_async else "generated_sync_client"
    setattr(client.pools, name, lambda base_url, headers: canned)


def _sync_noio(cfg: Json) -> tuple[SyncMint, Callable[[], None]]:
    target = cfg["target"]
    client = _anytoken_client(cfg)
    _canned(cfg, client, False)
    provider, kind, params = target["provider"], target["kind"], target["params"]

    def mint() -> object:
        return client.create_token(provider, kind=kind, **params)

    return mint, client.close


#: extra sync rows: impl -> factory of (mint, close). Add a row here and list it in bench/_latency.py's EXTRA_ROWS.
SYNC_IMPLS: dict[str, Callable[[Json], tuple[SyncMint, Callable[[], None]]]] = {
    "anytoken": _sync_anytoken,
    "anytoken-httpx": _sync_anytoken,
    "anytoken-noio": _sync_noio,
}


# -- sync implementations --------------------------------------------------------------------------


def sync_impl(cfg: Json) -> tuple[SyncMint, Callable[[], None]]:
    impl: str = cfg["impl"]
    target = cfg["target"]
    if impl in SYNC_IMPLS:
        return SYNC_IMPLS[impl](cfg)
    if impl == "httpx":
        import httpx

        rq = Replay(target["requests"][-1])
        client = httpx.Client()

        def mint_httpx() -> object:
            r = client.request(rq.method, rq.url, headers=rq.fresh_headers(), content=rq.body)
            _check_status(r.status_code, r.content)
            return r.text

        return mint_httpx, client.close
    if impl == "http.client":
        import http.client

        rq = Replay(target["requests"][-1])
        conn = http.client.HTTPConnection(rq.host, rq.port, timeout=10)

        def mint_stdlib() -> object:
            conn.request(rq.method, rq.target, body=rq.body, headers=rq.fresh_headers())
            r = conn.getresponse()
            body = r.read()
            _check_status(r.status, body)
            return body.decode()

        return mint_stdlib, conn.close
    if impl == "telnyx-sdk":
        telnyx = _mod("telnyx")
        sdk = telnyx.Telnyx(api_key=target["sdk"]["api_key"], base_url=target["base_url"], max_retries=0)
        cred_id = target["sdk"]["credential_id"]

        def mint_telnyx() -> object:
            return sdk.telephony_credentials.create_token(cred_id)

        return mint_telnyx, sdk.close
    if impl == "clerk-sdk":
        sdk, call = _clerk(cfg)

        def mint_clerk() -> object:
            return call(sdk, False)

        return mint_clerk, lambda: None
    raise SystemExit(f"unknown sync impl {impl!r}")


def _clerk(cfg: Json) -> tuple[Any, Callable[[Any, bool], Any]]:
    target = cfg["target"]
    sdk_cfg = target["sdk"]
    clerk = _mod("clerk_backend_api")
    sdk = clerk.Clerk(bearer_auth=sdk_cfg["secret_key"], server_url=target["base_url"])
    op = sdk_cfg["op"]
    args: Json = dict(sdk_cfg.get("args") or {})

    def call(client: Any, is_async: bool) -> Any:
        group, method = op.split(".")
        fn = getattr(getattr(client, group), method + ("_async" if is_async else ""))
        return fn(**args)

    return sdk, call
