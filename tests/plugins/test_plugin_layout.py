"""Every built-in plugin's tests follow one naming template (docs/plugins.md, "Layout of a plugin").

``tests/test_<p>_<role>.py`` where ``<role>`` is one of :data:`ROLES`; ``plugin`` and ``conformance`` are
required. A plugin that adds a test file of another role must add the role here (and to the docs) first.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").is_file())
#: role -> what the file checks
ROLES = {
    "plugin": "the plugin's own behaviour: declaration, parameter mapping, error mapping",
    "conformance": "anytoken.devkit.testing.ProviderConformance against the sandbox",
    "spec": "requests and answers against a spec: the provider's published one where there is one, ours otherwise",
    "answers_property": "anytoken.devkit.spec_fuzz: generated valid answers parse, nothing secret shows",
    "sandbox": "the emulation's own behaviour",
    "revoke": "revocation",
    "live": "the real server (marker of a required CI area)",
    "live_conformance": "ProviderLiveConformance against the real server",
}
REQUIRED = ("plugin", "conformance")


def test_the_built_in_plugins_are_all_found() -> None:
    names = {p.name for p in PLUGINS}
    assert {f"anytoken-{n}" for n in ("telnyx", "clerk", "quadrata", "qrvey", "unleash", "oauth2")} <= names, names


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_test_files_follow_the_template(plugin: Path) -> None:
    provider = plugin.name.removeprefix("anytoken-")
    pattern = re.compile(rf"test_{re.escape(provider)}_({'|'.join(ROLES)})\.py")
    files = sorted(f.name for f in (plugin / "tests").glob("test_*.py"))
    strays = [f for f in files if not pattern.fullmatch(f)]
    assert not strays, f"{plugin.name}: test files outside the template test_{provider}_<role>.py ({', '.join(ROLES)}): {strays}"
    missing = [f"test_{provider}_{role}.py" for role in REQUIRED if f"test_{provider}_{role}.py" not in files]
    assert not missing, f"{plugin.name}: missing {missing}"
