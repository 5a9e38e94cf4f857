"""How each :class:`~anytoken.devkit.sandbox.faults.Fault` kind is carried out on the wire."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from anytoken.devkit.sandbox._server import StreamReply, encode_head, reset_connection
from anytoken.devkit.sandbox.faults import Fault, drop_token_fields
from anytoken.devkit.sandbox.model import SandboxResponse

__all__ = ["fault_reply"]

_HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
_JSON_CT = ("content-type", "application/json; charset=utf-8")
_HUGE_CHUNK = 64 * 1024


def _without_ct(headers: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() != "content-type"]


def _content_type(headers: tuple[tuple[str, str], ...]) -> str:
    for k, v in headers:
        if k.lower() == "content-type":
            return v
    return ""


async def _flush(writer: asyncio.StreamWriter) -> None:
    await writer.drain()
    transport = writer.transport
    for _ in range(200):
        if transport.is_closing() or transport.get_write_buffer_size() == 0:
            break
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.01)  # let the kernel hand the bytes to the peer before a RST discards them


def _status_body(fault: Fault) -> tuple[bytes, str]:
    body = fault.body
    if body is None:
        status = fault.status or 500
        body = {"errors": [{"code": "sandbox_fault", "message": f"Injected fault: HTTP {status}"}]}
    if isinstance(body, bytes):
        return body, fault.content_type or "application/octet-stream"
    if isinstance(body, str):
        return body.encode(), fault.content_type or "text/plain; charset=utf-8"
    return json.dumps(body, separators=(",", ":")).encode(), fault.content_type or "application/json; charset=utf-8"


def _retry_headers(fault: Fault) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if fault.retry_after is not None:
        ra = fault.retry_after
        out.append(("retry-after", str(int(ra)) if float(ra).is_integer() else str(ra)))
    if fault.retry_after_ms is not None:
        out.append(("retry-after-ms", str(int(fault.retry_after_ms))))
    return out


def _missing_token_body(fault: Fault, response: SandboxResponse) -> bytes:
    ct = _content_type(response.headers).lower()
    if "json" in ct:
        try:
            data: Any = json.loads(response.body or b"null")
        except ValueError:
            data = None
    else:
        data = response.body.decode("utf-8", "replace")
    data = fault.transform(data) if fault.transform is not None else drop_token_fields(data, fault.drop_keys)
    if "json" in ct:
        return json.dumps(data, separators=(",", ":")).encode()
    return data.encode() if isinstance(data, str) else json.dumps(data).encode()


def fault_reply(fault: Fault, response: SandboxResponse | None) -> StreamReply:
    """The wire behaviour of ``fault``; ``response`` is the handler's answer when it ran."""
    kind = fault.kind
    base = response if response is not None else SandboxResponse.json(200, {})
    status = fault.status or base.status

    async def simple(writer: asyncio.StreamWriter, keep_alive: bool, headers: list[tuple[str, str]], body: bytes) -> bool:
        if fault.delay:
            await asyncio.sleep(fault.delay)
        writer.write(encode_head(status, headers, len(body), keep_alive) + body)
        await writer.drain()
        return keep_alive

    if kind == "latency":
        return StreamReply(lambda w, k: simple(w, k, list(base.headers), base.body), status)

    if kind == "status":
        body, ct = _status_body(fault)
        status = fault.status or 500
        headers = [("content-type", ct), *_retry_headers(fault), *fault.headers]
        return StreamReply(lambda w, k: simple(w, k, headers, body), status)

    if kind == "malformed_json":
        cut = base.body[: max(1, len(base.body) // 2)]
        with contextlib.suppress(ValueError):
            json.loads(cut)
            cut = b'{"data": {"accessToken": "eyJhbGciOi'
        return StreamReply(lambda w, k: simple(w, k, [*_without_ct(base.headers), _JSON_CT], cut), status)

    if kind == "non_json":
        return StreamReply(lambda w, k: simple(w, k, [*_without_ct(base.headers), _JSON_CT], _HTML), status)

    if kind == "wrong_content_type":
        ct = fault.content_type or "text/html; charset=utf-8"
        return StreamReply(lambda w, k: simple(w, k, [*_without_ct(base.headers), ("content-type", ct)], base.body), status)

    if kind == "missing_token":
        body = _missing_token_body(fault, base)
        return StreamReply(lambda w, k: simple(w, k, list(base.headers), body), status)

    if kind == "reset":

        async def reset(writer: asyncio.StreamWriter, keep_alive: bool) -> bool:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            reset_connection(writer)
            return False

        return StreamReply(reset, 0)

    if kind in ("reset_mid_body", "truncated"):

        async def cut_off(writer: asyncio.StreamWriter, keep_alive: bool) -> bool:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            body = base.body
            n = min(fault.sent_bytes, len(body)) if fault.sent_bytes is not None else len(body) // 2
            if kind == "truncated" and n >= len(body):
                n = max(0, len(body) - 1)
            declared = len(body) if len(body) > n else n + 1
            writer.write(encode_head(status, base.headers, declared, False) + body[:n])
            if kind == "reset_mid_body":
                await _flush(writer)
                reset_connection(writer)
            else:
                await writer.drain()
                writer.close()
            return False

        return StreamReply(cut_off, status)

    if kind == "huge_body":
        size = fault.size
        status = fault.status or 200

        async def huge(writer: asyncio.StreamWriter, keep_alive: bool) -> bool:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            prefix, suffix = b'{"padding":"', b'"}'
            fill = max(0, size - len(prefix) - len(suffix))
            chunked = fault.chunked
            writer.write(encode_head(status, [_JSON_CT], None if chunked else len(prefix) + fill + len(suffix), keep_alive))
            block = b"a" * _HUGE_CHUNK

            def emit(data: bytes) -> None:
                if chunked:
                    writer.write(b"%x\r\n%s\r\n" % (len(data), data))
                else:
                    writer.write(data)

            emit(prefix)
            remaining = fill
            while remaining > 0:
                n = min(remaining, _HUGE_CHUNK)
                emit(block if n == _HUGE_CHUNK else block[:n])
                remaining -= n
                await writer.drain()
            emit(suffix)
            if chunked:
                writer.write(b"0\r\n\r\n")
            await writer.drain()
            return keep_alive

        return StreamReply(huge, status)

    if kind == "drip":

        async def drip(writer: asyncio.StreamWriter, keep_alive: bool) -> bool:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            body = base.body
            writer.write(encode_head(status, base.headers, len(body), keep_alive))
            await writer.drain()
            step = max(1, fault.chunk_size)
            for i in range(0, len(body), step):
                if i:
                    await asyncio.sleep(fault.interval)
                writer.write(body[i : i + step])
                await writer.drain()
            return keep_alive

        return StreamReply(drip, status)

    raise ValueError(f"unknown fault kind {kind!r}")  # pragma: no cover - validated by Fault
