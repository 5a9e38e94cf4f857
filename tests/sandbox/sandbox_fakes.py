"""A fake provider emulation for the sandbox engine's tests (importable from subprocesses too)."""

from __future__ import annotations

import socket
from typing import Any

from anytoken.devkit.sandbox import BadJSONError, ProviderState, Route, SandboxProvider, SandboxRequest, SandboxResponse

API_KEY = "fk_test_0123456789abcdef0123456789abcdef"


def _error(status: int, message: str) -> SandboxResponse:
    return SandboxResponse.json(status, {"errors": [{"message": message}]})


def create_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    if not state.authorized(request.bearer(), "api_key"):
        return _error(401, "unauthorized")
    try:
        body = request.json() or {}
    except BadJSONError:
        return _error(400, "bad json")
    if not isinstance(body, dict):
        return _error(422, "body must be an object")
    token_id = state.new_id("tok_", 16)
    now = int(state.now())
    jwt = state.sign_jwt({"sub": body.get("subject", "anon"), "jti": token_id, "iat": now, "exp": now + 3600}, alg="HS512")
    with state.lock:
        state.store[token_id] = {"id": token_id, "subject": body.get("subject")}
    return SandboxResponse.json(201, {"data": {"id": token_id, "type": "login", "accessToken": jwt, "meta": {"secret": "s"}}})


def get_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    item = state.store.get(request.path_params["token_id"])
    if item is None:
        return SandboxResponse.empty(404)
    return SandboxResponse.json(200, {"data": item})


def delete_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    with state.lock:
        if state.store.pop(request.path_params["token_id"], None) is None:
            return SandboxResponse.empty(404)
    return SandboxResponse.empty(204)


def echo(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    return SandboxResponse.json(
        200,
        {
            "method": request.method,
            "path": request.path,
            "params": dict(request.path_params),
            "query": {k: list(v) for k, v in request.query.items()},
            "headers": dict(request.headers),
            "body": request.body.decode("utf-8", "replace"),
            "size": len(request.body),
        },
    )


def text_token(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    return SandboxResponse.text(201, state.sign_jwt({"sub": "text"}))


def counted(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    state.count_created("batch", 3)  # a handler that counts itself: no automatic extra count
    return SandboxResponse.json(201, {"created": 3})


def crash(request: SandboxRequest, state: ProviderState) -> SandboxResponse:
    raise RuntimeError("boom")


def seed(state: ProviderState) -> None:
    state.store["tok_seeded"] = {"id": "tok_seeded", "subject": "seed"}


def fake_provider(name: str = "fake", base_path: str = "/fake/v1") -> SandboxProvider:
    return SandboxProvider(
        name=name,
        base_path=base_path,
        routes=(
            Route("POST", "/tokens", create_token, "createToken", creates=True),
            Route("GET", "/tokens/{token_id}", get_token, "getToken"),
            Route("DELETE", "/tokens/{token_id}", delete_token, "deleteToken"),
            Route("POST", "/echo/{a}/{b}", echo, "echo"),
            Route("PUT", "/echo", echo, "echoPut"),
            Route("POST", "/text", text_token, "textToken", creates=True),
            Route("POST", "/batch", counted, "batch", creates=True),
            Route("GET", "/crash", crash, "crash"),
        ),
        credentials={"api_key": API_KEY},
        examples={"login": {"subject": "alice"}},
        seed=seed,
        not_found={},
    )


def providers() -> list[SandboxProvider]:
    return [fake_provider(), fake_provider("other", "/other")]


def raw_exchange(port: int, data: bytes, *, timeout: float = 5.0) -> bytes:
    """Send ``data`` on a fresh socket and read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks: list[bytes] = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read one Content-Length response from a keep-alive socket."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before headers")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-body")
        rest += chunk
    return status, headers, rest[:length]


def auth() -> dict[str, Any]:
    return {"Authorization": f"Bearer {API_KEY}"}
