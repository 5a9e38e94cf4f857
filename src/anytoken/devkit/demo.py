"""``anytoken demo``: start the sandbox in-process and mint one token of every provider and kind."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from anytoken.errors import AnytokenError

__all__ = ["run_demo"]


def _expiry(seconds: float | None) -> str:
    if seconds is None:
        return "not given"
    if seconds >= 86400:
        return f"in {seconds / 86400:.1f} d"
    if seconds >= 3600:
        return f"in {seconds / 3600:.1f} h"
    return f"in {seconds / 60:.0f} min"


def run_demo(*, json_output: bool = False) -> int:
    from anytoken.devkit.sandbox import Sandbox

    rows: list[dict[str, Any]] = []
    failures = 0
    with Sandbox() as sandbox, sandbox.client() as client:
        providers = client.list_providers()
        if not providers:
            print("No providers installed: install one, e.g. `pip install -e plugins/anytoken-telnyx`.", file=sys.stderr)
            return 1
        for info in providers:
            examples = sandbox.examples(info.name)
            for kind in info.kinds:
                params = dict(examples.get(kind.name, {}))
                use_async = len(rows) % 2 == 1  # alternate, to show both paths answer alike
                started = time.perf_counter()
                try:
                    if use_async:
                        token = asyncio.run(_amint(client, info.name, kind.name, params))
                    else:
                        token = client.create_token(info.name, kind=kind.name, **params)
                except AnytokenError as exc:
                    failures += 1
                    rows.append({"provider": info.name, "kind": kind.name, "error": str(exc)})
                    continue
                elapsed_ms = (time.perf_counter() - started) * 1000
                expires_in = token.expires_in
                rows.append(
                    {
                        "provider": info.name,
                        "kind": kind.name,
                        "mode": "async" if use_async else "sync",
                        "token": token.masked,
                        "expires": _expiry(expires_in.total_seconds() if expires_in is not None else None),
                        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                        "id": token.id or "-",
                        "ms": round(elapsed_ms, 1),
                    }
                )
    if json_output:
        print(json.dumps(rows, indent=2))
    else:
        _table(rows)
        ok = len(rows) - failures
        print(f"\n{ok} token(s) minted from {len({r['provider'] for r in rows})} provider(s) against the local sandbox; {failures} failed.")
    return 1 if failures else 0


async def _amint(client: Any, provider: str, kind: str, params: dict[str, Any]) -> Any:
    return await client.acreate_token(provider, kind=kind, **params)  # the loop's pools close when asyncio.run ends


def _table(rows: list[dict[str, Any]]) -> None:
    header = ("PROVIDER", "KIND", "MODE", "TOKEN (masked)", "EXPIRES", "ID", "MS")
    lines = [header]
    for r in rows:
        if "error" in r:
            lines.append((r["provider"], r["kind"], "-", "FAILED (below)", "", "", ""))
        else:
            ident = r["id"] if len(r["id"]) <= 24 else r["id"][:21] + "..."
            lines.append((r["provider"], r["kind"], r["mode"], r["token"], r["expires"], ident, f"{r['ms']:.1f}"))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    for r in rows:
        if "error" in r:
            print(f"  ! {r['error']}")
