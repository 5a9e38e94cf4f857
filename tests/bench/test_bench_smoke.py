"""Smoke test: ``bench/run.py --quick`` runs end to end against the sandbox and writes its tables.

Not a timed test: it asserts that every section ran and rendered, never how fast anything was."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _providers() -> list[str]:
    from anytoken.plugins import Registry

    return [n for n in Registry().names() if n]


@pytest.mark.slow
def test_quick_run_writes_every_table(tmp_path: Path) -> None:
    if not _providers():
        pytest.skip("no provider plugin installed: nothing to benchmark")
    out, results = tmp_path / "benchmarks.md", tmp_path / "results.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--only",
            "sync",
            "async",
            "cold",
            "cache",
            "rss",
            "--python",
            sys.executable,
            "--out",
            str(out),
            "--results",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text()
    for heading in (
        "## Targets",
        "## 1. Per-token latency",
        "## 2. Async throughput",
        "### Concurrency 5",
        "### Concurrency 20",
        "## 3. Cold start",
        "## 6. Cached `get_token`",
        "## 7. Peak RSS",
    ):
        assert heading in text, heading
    data = json.loads(results.read_text())
    sync_rows = data["sync"]["rows"]
    anytoken_rows = {k: v for k, v in sync_rows.items() if k.startswith("anytoken|")}
    assert anytoken_rows and all("error" not in v for v in anytoken_rows.values()), anytoken_rows
    assert all("error" not in v for k, v in sync_rows.items() if k.startswith(("httpx|", "http.client|")))
    for conc in ("5", "20"):
        rows = data["async"][conc]
        assert all("error" not in v for k, v in rows.items() if k.split("|")[0] in {"anytoken", "httpx", "raw-asyncio"}), rows
    cold = data["cold"]["rows"]
    assert any(k.startswith("anytoken API") and "error" not in v for k, v in cold.items()), cold
    assert all(v.get("kb", 0) > 0 for k, v in data["rss"]["rows"].items() if k.startswith(("anytoken|", "httpx|")))
    assert "| anytoken | " in text


def test_report_renders_pending_sections() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from report import render
    finally:
        sys.path.remove(str(ROOT / "bench"))
    text = render({"cache": {"pending": "Client.get_token does not exist yet"}, "startup": {"pending": "no script"}}, command="x")
    assert "| cache hit | ≤ 5 µs | pending | pending |" in text
    assert "Not run yet." in text  # sections without results say so
