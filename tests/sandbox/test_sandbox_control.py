"""The HTTP control endpoints, driven from another process and another thread."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import httpx
from sandbox_fakes import auth

from anytoken.devkit.sandbox import Fault, Sandbox


def test_control_from_another_process(sb: Sandbox) -> None:
    script = textwrap.dedent(
        f"""
        import httpx, sys
        base = {sb.url!r} + "/_sandbox"
        r = httpx.post(base + "/faults", json={{"provider": "fake", "operation_id": "createToken", "times": 1,
                       "fault": {{"kind": "status", "status": 503, "retry_after": 3}}}})
        assert r.status_code == 201, r.text
        print(r.json()["id"])
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True)
    assert out.stdout.strip().isdigit()
    listed = httpx.get(f"{sb.url}/_sandbox/faults").json()["faults"]
    assert listed[0]["fault"] == {"kind": "status", "status": 503, "retry_after": 3}
    assert listed[0]["remaining"] == 1
    r = httpx.post(f"{sb.base_url('fake')}/tokens", json={}, headers=auth())
    assert r.status_code == 503 and r.headers["retry-after"] == "3"
    assert httpx.post(f"{sb.base_url('fake')}/tokens", json={}, headers=auth()).status_code == 201
    stats = httpx.get(f"{sb.url}/_sandbox/stats").json()
    assert stats["providers"]["fake"]["created"] == {"createToken": 1}
    assert stats["providers"]["fake"]["requests"] == {"createToken": 2}
    assert stats["faults_applied"] == 1


def test_control_delete_and_reset(sb: Sandbox) -> None:
    c = httpx.Client(base_url=f"{sb.url}/_sandbox")
    fid = c.post("/faults", json={"fault": {"kind": "reset"}}).json()["id"]
    c.post("/faults", json={"fault": {"kind": "latency", "delay": 0.01}})
    assert len(c.get("/faults").json()["faults"]) == 2
    assert c.delete(f"/faults/{fid}").status_code == 204
    assert c.delete(f"/faults/{fid}").status_code == 404
    assert c.delete("/faults").status_code == 204
    assert c.get("/faults").json() == {"faults": []}
    httpx.post(f"{sb.base_url('fake')}/tokens", json={}, headers=auth())
    assert c.post("/reset").status_code == 204
    assert c.get("/stats").json()["providers"]["fake"] == {"requests": {}, "created": {}}
    info = c.get("").json()
    assert info["providers"]["fake"]["base_url"] == sb.base_url("fake")
    assert {"method": "POST", "path": "/tokens", "operation_id": "createToken", "creates": True} in info["providers"]["fake"]["routes"]
    assert c.get("/nope").status_code == 404
    assert c.put("/faults").status_code == 405
    c.close()


def test_control_rejects_bad_input(sb: Sandbox) -> None:
    url = f"{sb.url}/_sandbox/faults"
    assert httpx.post(url, content=b"{").status_code == 400
    assert httpx.post(url, json=[1]).status_code == 400
    assert httpx.post(url, json={"fault": {"kind": "nope"}}).json()["error"] == "bad_fault"
    assert httpx.post(url, json={"fault": {"kind": "reset", "x": 1}}).status_code == 400
    assert httpx.post(url, json={"provider": "ghost", "fault": {"kind": "reset"}}).status_code == 400
    assert httpx.post(url, json={"times": 0, "fault": {"kind": "reset"}}).status_code == 400
    assert httpx.post(url, json={"extra": 1, "fault": {"kind": "reset"}}).status_code == 400
    assert httpx.get(url).json() == {"faults": []}


def test_api_from_another_thread_while_serving(sb: Sandbox) -> None:
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            with httpx.Client(headers=auth()) as c:
                for _ in range(100):
                    assert c.post(f"{sb.base_url('fake')}/tokens", json={}).status_code in (201, 500)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(20):
        fid = sb.inject("fake", "*", Fault.http_status(500), times=1)
        sb.remove_fault(fid)
        sb.stats()
    for t in threads:
        t.join()
    assert not errors
    assert sb.requests("fake", "createToken") == 400


def test_jwks_endpoint(sb: Sandbox) -> None:
    keys = httpx.get(f"{sb.url}/_sandbox/jwks").json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"


def test_control_requests_are_never_counted(sb: Sandbox) -> None:
    sb.reset()
    assert httpx.post(f"{sb.base_url('fake')}/tokens", json={}, headers=auth()).status_code == 201
    for _ in range(3):
        assert httpx.get(f"{sb.url}/_sandbox/stats").json()["total"] == 1
    httpx.get(f"{sb.url}/_sandbox")
    assert sb.stats()["total"] == 1 and sb.stats()["unmatched"] == 0
