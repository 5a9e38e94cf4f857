"""``Sandbox(providers=[...])`` chooses providers by name, as docs/sandbox.md shows; a wrong name is a typed error."""

from __future__ import annotations

import httpx
import pytest

from anytoken import errors
from anytoken.devkit.sandbox import Sandbox


def test_sandbox_serves_only_the_providers_named() -> None:
    with Sandbox(providers=["quadrata", "telnyx"]) as sb:
        assert sorted(sb.providers) == ["quadrata", "telnyx"]
        assert httpx.get(sb.url + "/_sandbox/stats").json()["providers"].keys() == {"quadrata", "telnyx"}
        with sb.client() as client:
            assert client.create_token("quadrata").value


def test_an_unknown_provider_name_is_a_usage_error_listing_the_available_ones() -> None:
    with pytest.raises(errors.UsageError, match=r"providers: no sandbox for 'quadratta'.*Available: .*quadrata"):
        Sandbox(providers=["quadratta"])


def test_the_variables_docs_sandbox_md_shows_are_those_the_sandbox_exports() -> None:
    import re
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "sandbox.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"^export ([A-Z][A-Z0-9_]*)=", doc, re.MULTILINE))
    shown |= set(re.findall(r"sb\.env\(\).*?\{(.*)\}", doc)[0].replace('"', "").replace(": ...", "").replace(" ", "").split(","))
    with Sandbox() as sb:
        exported = set(sb.env())
    assert shown and shown <= exported, f"docs/sandbox.md shows variables the sandbox does not export: {sorted(shown - exported)}"


def test_a_bad_sandbox_option_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from anytoken.cli import main

    assert main(["sandbox", "--port", "notaport"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--port" in err and "anytoken sandbox --help" in err, err
