"""``anytoken.auth.HttpxAuth`` / ``RequestsAuth`` on real sockets: tokens minted at the sandbox (127.0.0.1), sent to
a small resource server of this test that checks the header and can reject a token like an API would.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

import anytoken
from anytoken.auth import HttpxAuth
from anytoken.devkit.sandbox import Sandbox
from anytoken.errors import InvalidParameterError, UsageError


class ResourceServer(ThreadingHTTPServer):
    """Answers 200 to ``<header>: <prefix><token>``; 401 (with RFC 6750's header) to tokens in ``reject``."""

    daemon_threads = True
    request_queue_size = 512

    def __init__(self, header: str = "Authorization", prefix: str = "Bearer ") -> None:
        self.header, self.prefix = header, prefix
        self.seen: list[str] = []
        self.reject: set[str] = set()
        self.reject_status = 401
        self.refuse_all = False
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join()


class _Handler(BaseHTTPRequestHandler):
    server: ResourceServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.headers.get("transfer-encoding") == "chunked":
            while (size := int(self.rfile.readline().strip(), 16)) > 0:
                body += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
        sent = self.headers.get(self.server.header) or ""
        token = sent[len(self.server.prefix) :] if sent.startswith(self.server.prefix) else None
        with self.server.lock:
            self.server.seen.append(token or "")
        if token is None or token in self.server.reject or self.server.refuse_all:
            payload: dict[str, Any] = {"error": "invalid_token"}
            status = self.server.reject_status
            extra = {"WWW-Authenticate": 'Bearer error="invalid_token", error_description="revoked"'}
        else:
            status, extra = 200, {}
            payload = {"ok": True, "echo": body.decode()}
        data = json.dumps(payload).encode()
        self.send_response(status)
        for k, v in {"Content-Type": "application/json", "Content-Length": str(len(data)), **extra}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=11) as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox) -> Sandbox:
    sandbox.reset()
    return sandbox


@pytest.fixture
def client(sb: Sandbox) -> Iterator[anytoken.Client]:
    with sb.client(env={}) as c:
        yield c


@pytest.fixture
def api() -> Iterator[ResourceServer]:
    server = ResourceServer()
    yield server
    server.stop()


def _mints(sb: Sandbox) -> int:
    return sb.requests("quadrata", "createAccessToken")


async def test_200_concurrent_requests_on_a_cold_cache_mint_once(sb: Sandbox, client: anytoken.Client, api: ResourceServer) -> None:
    auth = HttpxAuth("quadrata", client=client)
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(auth=auth, limits=limits, timeout=30) as http:
        responses = await asyncio.gather(*(http.get(api.url + f"/r/{i}") for i in range(200)))
    assert [r.status_code for r in responses] == [200] * 200
    assert _mints(sb) == 1
    assert len(api.seen) == 200 and len(set(api.seen)) == 1 and api.seen[0].startswith("eyJ")


def test_threads_share_one_mint_through_a_sync_client(sb: Sandbox, client: anytoken.Client, api: ResourceServer) -> None:
    auth = HttpxAuth("quadrata", client=client)
    with httpx.Client(auth=auth, limits=httpx.Limits(max_connections=50)) as http, ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(lambda i: http.get(api.url + f"/s/{i}").status_code, range(100)))
    assert statuses == [200] * 100 and _mints(sb) == 1 and len(set(api.seen)) == 1


def test_a_rejected_token_is_replaced_and_the_request_replayed_once(sb: Sandbox, client: anytoken.Client, api: ResourceServer) -> None:
    auth = HttpxAuth("quadrata", client=client)
    with httpx.Client(auth=auth) as http:
        first = http.get(api.url + "/warm")
        api.reject.add(api.seen[-1])
        replayed = http.post(api.url + "/again", json={"n": 1})
        assert replayed.status_code == 200 and replayed.json()["echo"] == '{"n":1}'
        assert [r.status_code for r in replayed.history] == [401]
        assert _mints(sb) == 2 and api.seen[-2] != api.seen[-1]
        api.reject.add(api.seen[-1])
        api.reject_status = 403  # RFC 6750's invalid_token in WWW-Authenticate, whatever the status
        assert http.get(api.url + "/third").status_code == 200 and _mints(sb) == 3
        api.refuse_all = True  # every token is refused: one replay only, then the refusal is returned
        refused = http.get(api.url + "/never")
    assert first.status_code == 200 and refused.status_code == 403 and _mints(sb) == 4


async def test_concurrent_rejections_mint_once(sb: Sandbox, client: anytoken.Client, api: ResourceServer) -> None:
    auth = HttpxAuth("quadrata", client=client)
    async with httpx.AsyncClient(auth=auth, timeout=30) as http:
        await http.get(api.url + "/warm")
        api.reject.add(api.seen[-1])
        responses = await asyncio.gather(*(http.get(api.url + f"/c/{i}") for i in range(50)))
    assert [r.status_code for r in responses] == [200] * 50
    assert _mints(sb) == 2, "fifty 401s for one token make one new mint"


def test_a_streamed_body_is_not_replayed(sb: Sandbox, client: anytoken.Client, api: ResourceServer) -> None:
    auth = HttpxAuth("quadrata", client=client)
    with httpx.Client(auth=auth) as http:
        http.get(api.url + "/warm")
        api.reject.add(api.seen[-1])
        streamed = http.post(api.url + "/upload", content=iter([b"chunk-1", b"chunk-2"]))
        assert streamed.status_code == 401 and not streamed.history, "a generator body cannot be sent twice"
        assert http.get(api.url + "/next").status_code == 200, "the next request carries a new token"
    assert _mints(sb) == 2


def test_unleash_tokens_travel_bare_to_the_real_client_api(sb: Sandbox, client: anytoken.Client) -> None:
    """The sandbox's own Unleash SDK endpoint is the resource: it accepts the bare secret only."""
    auth = HttpxAuth("unleash", kind="backend", client=client, allow_persistent=True, environment="development")
    with httpx.Client(auth=auth, base_url=sb.base_url("unleash")) as http:
        response = http.get("/api/client/features")
        assert response.status_code == 200 and response.request.headers["authorization"].startswith("*:development.")
        assert http.get("/api/client/features").status_code == 200
    assert sb.created("unleash", "createApiToken") == 1


def test_qrvey_admin_tokens_use_the_jwt_scheme(sb: Sandbox, client: anytoken.Client) -> None:
    api = ResourceServer(prefix="jwt ")
    try:
        with httpx.Client(auth=HttpxAuth("qrvey", kind="admin", client=client)) as http:
            assert http.get(api.url + "/admin/api/v5/users").status_code == 200
    finally:
        api.stop()
    assert api.seen[0] and not api.seen[0].startswith("Bearer")


def test_several_tenants_on_one_client(sb: Sandbox, client: anytoken.Client, api: ResourceServer) -> None:
    production = HttpxAuth("quadrata", client=client, environment="production")
    staging = HttpxAuth("quadrata", client=client, environment="sandbox")
    with httpx.Client(auth=production) as one, httpx.Client(auth=staging) as two:
        for _ in range(3):
            assert one.get(api.url + "/p").status_code == 200 and two.get(api.url + "/s").status_code == 200
    assert _mints(sb) == 2 and len(set(api.seen)) == 2


def test_requests_auth(sb: Sandbox, client: anytoken.Client, api: ResourceServer) -> None:
    requests = pytest.importorskip("requests")
    from anytoken.auth import RequestsAuth

    auth = RequestsAuth("quadrata", client=client)
    with requests.Session() as session:
        session.auth = auth
        assert session.get(api.url + "/a", timeout=10).status_code == 200
        api.reject.add(api.seen[-1])
        replayed = session.post(api.url + "/b", data=b"payload", timeout=10)
        assert replayed.status_code == 200 and replayed.json()["echo"] == "payload"
        assert [r.status_code for r in replayed.history] == [401]
        api.refuse_all = True
        assert session.get(api.url + "/c", timeout=10).status_code == 401, "one replay only"
    assert _mints(sb) == 3


def test_bad_input_fails_at_construction(client: anytoken.Client) -> None:
    with pytest.raises(UsageError, match="allow_persistent=True"):
        HttpxAuth("unleash", client=client)
    with pytest.raises(UsageError, match="not sent in an HTTP header"):
        HttpxAuth("telnyx", client=client, credential_id="c-1")
    with pytest.raises(UsageError, match="single-use"):
        HttpxAuth("clerk", kind="actor", client=client)
    with pytest.raises(InvalidParameterError, match="environment"):
        HttpxAuth("quadrata", client=client, environment="moon")
    with pytest.raises(anytoken.errors.UnknownProviderError):
        HttpxAuth("nope", client=client)


def test_no_secret_in_repr_and_requests_is_imported_lazily(client: anytoken.Client) -> None:
    auth = HttpxAuth("quadrata", client=client, credentials="qd-secret-credential-1")
    assert "qd-secret" not in repr(auth) and repr(auth) == "HttpxAuth('quadrata', header='Authorization')"
    code = "import sys, anytoken.auth; assert 'requests' not in sys.modules, 'requests imported'"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60).returncode == 0


def test_declarations_of_the_header() -> None:
    from anytoken import ProviderInfo, TokenKind
    from anytoken.errors import PluginError
    from anytoken.plugins import Registry

    kinds = {(i.name, k.name): (k.auth_header, k.auth_scheme) for i in Registry().providers() for k in i.kinds}
    assert kinds[("unleash", "backend")] == ("Authorization", "")
    assert kinds[("qrvey", "admin")] == ("Authorization", "jwt")
    assert kinds[("clerk", "m2m")] == ("Authorization", "Bearer")
    assert kinds[("clerk", "sign_in")][0] is None and kinds[("telnyx", "credential")][0] is None
    for bad in ({"auth_header": "X Api Key"}, {"auth_scheme": "Bearer token"}, {"auth_header": ""}):
        info = ProviderInfo("acme", kinds=(TokenKind("api", **bad),))  # type: ignore[arg-type]
        with pytest.raises(PluginError, match="invalid auth_"):
            info.check()
    ProviderInfo("acme", kinds=(TokenKind("api", auth_header="X-Api-Key", auth_scheme=""),)).check()
