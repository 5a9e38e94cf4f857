"""Every fault kind, observed from an httpx client, plus the fault table's matching and counting."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sandbox_fakes import auth

from anytoken.devkit.sandbox import Fault, Sandbox, drop_token_fields


def mint(sb: Sandbox, **kwargs: object) -> httpx.Response:
    return httpx.post(f"{sb.base_url('fake')}/tokens", json={"subject": "a"}, headers=auth(), **kwargs)  # type: ignore[arg-type]


def created(sb: Sandbox) -> int:
    return sb.created("fake", "createToken")


def test_latency_delays_then_answers(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.latency(0.3), times=1)
    start = time.perf_counter()
    r = mint(sb)
    assert time.perf_counter() - start >= 0.3
    assert r.status_code == 201 and created(sb) == 1
    start = time.perf_counter()
    mint(sb)
    assert time.perf_counter() - start < 0.3  # used up


def test_latency_trips_client_timeout(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.latency(0.5), times=1)
    with pytest.raises(httpx.ReadTimeout):
        mint(sb, timeout=0.1)
    time.sleep(0.5)
    assert created(sb) == 1  # the handler still ran: the resource exists


def test_status_with_retry_after(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.http_status(503, retry_after=2), times=1)
    sb.inject("fake", "createToken", Fault.http_status(429, retry_after_ms=1500, body={"errors": [{"code": "rate"}]}), times=1)
    sb.inject("fake", "createToken", Fault.http_status(500, retry_after=0.5, body="oops"), times=1)
    r = mint(sb)
    assert r.status_code == 503 and r.headers["retry-after"] == "2" and "retry-after-ms" not in r.headers
    assert r.json()["errors"][0]["code"] == "sandbox_fault"
    r = mint(sb)
    assert r.status_code == 429 and r.headers["retry-after-ms"] == "1500"
    assert r.json() == {"errors": [{"code": "rate"}]}
    r = mint(sb)
    assert r.status_code == 500 and r.headers["retry-after"] == "0.5" and r.text == "oops"
    assert r.headers["content-type"].startswith("text/plain")
    assert created(sb) == 0
    assert mint(sb).status_code == 201


def test_status_after_handler_counts(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.http_status(502, run_handler=True), times=1)
    assert mint(sb).status_code == 502
    assert created(sb) == 1


def test_reset_before_handler(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.reset(), times=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        mint(sb)
    assert created(sb) == 0
    assert sb.requests("fake", "createToken") == 1


def test_reset_after_handler_created_resource(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.reset(after_handler=True), times=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        mint(sb)
    assert created(sb) == 1
    assert mint(sb).status_code == 201  # the next request on a new connection works


def test_reset_mid_body(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.reset_mid_body(sent_bytes=10), times=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        mint(sb).read()
    assert created(sb) == 1


def test_truncated_body(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.truncated(), times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        mint(sb)
    assert created(sb) == 1


def test_malformed_json(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.malformed_json(), times=1)
    r = mint(sb)
    assert r.status_code == 201 and "json" in r.headers["content-type"]
    with pytest.raises(json.JSONDecodeError):
        r.json()


def test_non_json_with_json_content_type(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.non_json(status=502), times=1)
    r = mint(sb)
    assert r.status_code == 502 and r.headers["content-type"].startswith("application/json")
    assert r.text.startswith("<html>")
    assert created(sb) == 1


def test_wrong_content_type(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.wrong_content_type(), times=1)
    r = mint(sb)
    assert r.headers["content-type"].startswith("text/html")
    assert "accessToken" in r.json()["data"]


def test_missing_token_default_and_custom(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.missing_token(), times=1)
    r = mint(sb)
    assert r.status_code == 201
    assert r.json() == {"data": {"id": r.json()["data"]["id"], "type": "login", "meta": {}}}
    sb.inject("fake", "createToken", Fault.missing_token(lambda d: {"data": None}), times=1)
    assert mint(sb).json() == {"data": None}
    sb.inject("fake", "textToken", Fault.missing_token(), times=1)
    r = httpx.post(f"{sb.base_url('fake')}/text")
    assert r.status_code == 201 and r.text == ""
    assert created(sb) == 2


def test_drop_token_fields() -> None:
    data = {"token": "t", "jwt": "j", "data": [{"accessToken": "a", "id": 1}], "tel_token": "x", "secret": "s", "ok": True}
    assert drop_token_fields(data) == {"data": [{"id": 1}], "ok": True}
    assert drop_token_fields(data, ("token",)) == {k: v for k, v in data.items() if k != "token"}


@pytest.mark.parametrize("chunked", [False, True])
def test_huge_body_streams(sb: Sandbox, chunked: bool) -> None:
    size = 50 * 1024 * 1024
    sb.inject("fake", "createToken", Fault.huge_body(size, chunked=chunked), times=1)
    total = 0
    with httpx.Client(headers=auth()) as c, c.stream("POST", f"{sb.base_url('fake')}/tokens", json={}) as r:
        assert r.status_code == 200
        assert ("content-length" in r.headers) is not chunked
        first = b""
        for chunk in r.iter_raw(1 << 20):
            if not first:
                first = chunk[:12]
            total += len(chunk)
    assert total == size and first == b'{"padding":"'
    assert created(sb) == 0


def test_drip(sb: Sandbox) -> None:
    sb.inject("fake", "textToken", Fault.drip(chunk_size=40, interval=0.05), times=1)
    start = time.perf_counter()
    r = httpx.post(f"{sb.base_url('fake')}/text")
    elapsed = time.perf_counter() - start
    chunks = -(-len(r.content) // 40)
    assert elapsed >= 0.05 * (chunks - 1) * 0.9
    assert r.status_code == 201 and sb.verify_jwt(r.text)["sub"] == "text"


def test_drip_trips_read_timeout(sb: Sandbox) -> None:
    sb.inject("fake", "textToken", Fault.drip(chunk_size=1, interval=0.3), times=1)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{sb.base_url('fake')}/text", timeout=0.1)


def test_delay_applies_to_any_fault(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault("status", status=504, delay=0.2), times=1)
    start = time.perf_counter()
    assert mint(sb).status_code == 504
    assert time.perf_counter() - start >= 0.2


def test_wildcards_times_and_order(sb: Sandbox) -> None:
    sb.inject("*", "*", Fault.http_status(500), times=2)
    sb.inject("fake", "*", Fault.http_status(418))
    assert httpx.get(f"{sb.base_url('other')}/tokens/tok_seeded").status_code == 500
    assert mint(sb).status_code == 500
    assert mint(sb).status_code == 418
    assert httpx.get(f"{sb.base_url('fake')}/tokens/x").status_code == 418
    assert httpx.get(f"{sb.base_url('other')}/tokens/tok_seeded").status_code == 200
    assert sb.stats()["faults_applied"] == 4
    sb.clear_faults()
    assert mint(sb).status_code == 201


def test_remove_fault_by_id(sb: Sandbox) -> None:
    fid = sb.inject("fake", "createToken", Fault.http_status(500))
    assert sb.remove_fault(fid) and not sb.remove_fault(fid)
    assert mint(sb).status_code == 201


def test_reset_clears_faults(sb: Sandbox) -> None:
    sb.inject("fake", "createToken", Fault.http_status(500))
    sb.reset()
    assert mint(sb).status_code == 201


def test_inject_validates(sb: Sandbox) -> None:
    with pytest.raises(KeyError, match="Available providers"):
        sb.inject("nope", "*", Fault.reset())
    with pytest.raises(KeyError, match="no operation 'nope'"):
        sb.inject("fake", "nope", Fault.reset())
    with pytest.raises(ValueError, match="times"):
        sb.inject("fake", "*", Fault.reset(), times=0)
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("explode")
    with pytest.raises(ValueError, match=">= 0"):
        Fault.latency(-1)


def test_fault_json_round_trip() -> None:
    faults = [
        Fault.latency(0.5),
        Fault.http_status(429, retry_after=1, retry_after_ms=1000, body={"e": 1}, headers=(("x-a", "b"),)),
        Fault.reset(after_handler=True),
        Fault.reset_mid_body(5),
        Fault.truncated(3),
        Fault.malformed_json(),
        Fault.non_json(502),
        Fault.wrong_content_type("text/xml"),
        Fault.missing_token(drop_keys=("token",)),
        Fault.huge_body(10, chunked=True),
        Fault.drip(2, 0.1),
    ]
    for fault in faults:
        data = json.loads(json.dumps(fault.to_json()))
        assert Fault.from_json(data) == fault
    with pytest.raises(ValueError, match="unknown fault field"):
        Fault.from_json({"kind": "reset", "bogus": 1})
    with pytest.raises(ValueError, match="needs 'kind'"):
        Fault.from_json({})
