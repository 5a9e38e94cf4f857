"""The lean entry-point reader agrees with importlib.metadata."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

from anytoken._entry_points import scan


@pytest.mark.parametrize("group", ["anytoken", "console_scripts", "pytest11"])
def test_agrees_with_importlib_metadata(group: str) -> None:
    ours = {(ep.name, ep.value) for ep in scan(group)}
    theirs = {(ep.name, ep.value.split("[")[0].strip()) for ep in entry_points(group=group)}
    assert ours == theirs


def test_parses_comments_extras_and_first_wins(tmp_path: Path) -> None:
    for root, value in ((tmp_path / "a", "mod_a:plugin"), (tmp_path / "b", "mod_b:plugin")):
        info = root / "anytoken_x-1.2.dist-info"
        info.mkdir(parents=True)
        (info / "entry_points.txt").write_text(f"# comment\n[other]\nx = nope\n\n[anytoken]\nx = {value} [extra]\n; c\n")
    (tmp_path / "a" / "broken-0.1.dist-info").mkdir()  # no entry_points.txt
    found = scan("anytoken", [str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "missing")])
    assert [(e.name, e.value, e.distribution, e.version) for e in found] == [("x", "mod_a:plugin", "anytoken-x", "1.2")]
