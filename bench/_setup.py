"""The bench venv, the targets (what each provider's mint looks like) and the machine description."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

from _common import HEAVY_OPTIONAL, ROOT, RUNTIME_REQUIREMENTS, SDKS, VERSION_DISTS, Json, Runner, cpu_name, log, pinning_note

# -- the bench venv -------------------------------------------------------------------------------------


def local_packages() -> list[Path]:
    gen = sorted(p for p in (ROOT / "generated").glob("*") if (p / "pyproject.toml").exists())
    plugins = sorted(p for p in (ROOT / "plugins").glob("*") if (p / "pyproject.toml").exists())
    return [*gen, ROOT, *plugins]


def _source_stamp() -> str:
    h = hashlib.sha256(sys.version.encode())
    h.update(json.dumps(RUNTIME_REQUIREMENTS + SDKS).encode())
    roots = [ROOT / "pyproject.toml", ROOT / "src", ROOT / "generated", ROOT / "plugins"]
    for base in roots:
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and "tests" not in f.parts and ".egg-info" not in str(f):
                h.update(str(f.relative_to(ROOT)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def ensure_bench_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not python.exists():
        log(f"creating the bench venv {venv.relative_to(ROOT)}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([*pip, *RUNTIME_REQUIREMENTS, *SDKS], check=True)
    stamp_file = venv / ".anytoken-bench-stamp"
    stamp = _source_stamp()
    if not stamp_file.exists() or stamp_file.read_text() != stamp:
        log("installing anytoken, its generated clients and plugins into the bench venv (non-editable)")
        subprocess.run([*pip, *RUNTIME_REQUIREMENTS], check=True)  # a no-op unless the list grew
        subprocess.run([*pip, "--no-deps", "--force-reinstall", *map(str, local_packages())], check=True)
        stamp_file.write_text(stamp)
    return python


# -- targets: what each provider's mint looks like ---------------------------------------------------------


#: presets of the oauth2 plugin: the same code path as the ``oauth2`` target (google's one-time signed
#: assertions could not be replayed by the raw clients anyway: the server refuses a reused jti)
PRESET_TARGETS = frozenset({"auth0", "okta", "entra", "keycloak", "google"})


def build_targets(runner: Runner, info: Json) -> dict[str, Json]:
    targets: dict[str, Json] = {}
    for name, p in info["providers"].items():
        if name in PRESET_TARGETS:
            continue
        target: Json = {
            "provider": name,
            "base_url": p["base_url"],
            "credentials": p["credentials"],
            "examples": p["examples"],
            "kind": None,
            "params": {},
        }
        rec = runner.worker({"mode": "record", "target": target})
        if "error" in rec:
            log(f"{name}: cannot mint through anytoken: {rec['error']}")
            continue
        target.update(
            kind=rec["kind"], params=rec["params"], requests=rec["requests"], env=rec["env"], distribution=rec.get("distribution")
        )
        last = rec["requests"][-1]
        path = last["url"][len(p["base_url"]) :].split("?")[0]
        target["path"] = f"{last['method']} {path}"
        sdk = _sdk_target(name, p, path, last)
        if sdk:
            target["sdk"] = sdk
        targets[name] = target
    return targets


def _sdk_target(name: str, p: Json, path: str, request: Json) -> Json | None:
    import base64

    # the key anytoken sent (a provider may have several credential fields: clerk's m2m kind uses the machine key)
    auth = next((v for k, v in request["headers"] if k.lower() == "authorization"), "")
    key = auth.split(" ", 1)[1] if auth.lower().startswith("bearer ") else next(iter(p["credentials"].values()), "")
    if name == "telnyx":
        m = re.fullmatch(r"/telephony_credentials/([^/]+)/token", path)
        return {"api_key": key, "credential_id": m.group(1)} if m else None
    if name == "clerk":
        body_raw = base64.b64decode(request["body"]) or b"{}"
        try:
            body = json.loads(body_raw)
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        if path == "/m2m_tokens":
            allowed = {"token_format", "seconds_until_expiration", "claims"}
            return {"secret_key": key, "op": "m2m.create_token", "args": {k: v for k, v in body.items() if k in allowed}}
        m = re.fullmatch(r"/sessions/([^/]+)/tokens(?:/([^/]+))?", path)
        if m and m.group(2):
            return {
                "secret_key": key,
                "op": "sessions.create_token_from_template",
                "args": {"session_id": m.group(1), "template_name": m.group(2)},
            }
        if m:
            args = {"session_id": m.group(1)}
            if "expires_in_seconds" in body:
                args["expires_in_seconds"] = body["expires_in_seconds"]
            return {"secret_key": key, "op": "sessions.create_token", "args": args}
        simple = {
            "/testing_tokens": "testing_tokens.create",
            "/sign_in_tokens": "sign_in_tokens.create",
            "/actor_tokens": "actor_tokens.create",
        }
        if path in simple:
            return {"secret_key": key, "op": simple[path], "args": {"request": body} if body else {}}
    return None


# -- machine -------------------------------------------------------------------------------------------


def machine(runner: Runner) -> Json:
    cpu = cpu_name()
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        load = " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "?"
    versions = runner.worker({"mode": "versions", "dists": VERSION_DISTS})
    installed = set(versions.get("installed", []))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "kernel": platform.release(),
        "python": versions.get("versions", {}).get("python"),
        "versions": versions.get("versions", {}),
        "heavy_present": sorted(h for h in HEAVY_OPTIONAL if h in installed),
        "pinning": pinning_note(),
        "loadavg": load,
        "interpreter": str(runner.python.relative_to(ROOT)) if runner.python.is_relative_to(ROOT) else str(runner.python),
    }
