"""The devkit's third-party dependencies are the ``anytoken[devkit]`` extra, and a missing one says so in one line."""

from __future__ import annotations

import ast
import io
import re
import sys
import tomllib
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from anytoken import cli
from anytoken.devkit import openapi, spec_fuzz, spec_testing
from anytoken.devkit._extras import EXTRA, MissingDependencyError

ROOT = Path(__file__).resolve().parents[2]
DEVKIT = ROOT / "src" / "anytoken" / "devkit"
#: import name -> distribution name, for the imports whose names differ
DISTRIBUTION = {"yaml": "pyyaml", "openapi_schema_validator": "openapi-schema-validator"}


def _requirement_names(requirements: list[str]) -> set[str]:
    return {r.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower() for r in requirements}


def test_every_third_party_import_of_the_devkit_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _requirement_names(project["dependencies"])
    devkit = _requirement_names(project["optional-dependencies"]["devkit"])
    imported: dict[str, str] = {}
    for path in sorted(DEVKIT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in (
                    "anytoken",
                    "anytoken_pytest",
                    "ruamel",
                ):  # ruamel: an optional fallback
                    imported.setdefault(DISTRIBUTION.get(top, top).lower(), f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}")
    undeclared = {dist: where for dist, where in imported.items() if dist not in runtime | devkit}
    assert not undeclared, f"imported by the devkit but neither a dependency nor in the devkit extra: {undeclared}"
    assert {"pyyaml", "jsonschema", "openapi-schema-validator", "hypothesis", "pytest", "cryptography"} <= set(imported)


def test_new_plugin_without_pyyaml_says_which_extra_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("yaml", "ruamel", "ruamel.yaml"):
        monkeypatch.setitem(sys.modules, name, None)  # an import of it raises ImportError
    openapi._pyyaml_classes.cache_clear()
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "acme.yaml"
    spec.write_text("openapi: 3.0.3\npaths: {}\n")
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(["new-plugin", "acme", "--spec", str(spec), "--operation", "createToken"])
    finally:
        openapi._pyyaml_classes.cache_clear()
    lines = err.getvalue().strip().splitlines()
    assert code == 2 and len(lines) == 1, err.getvalue()
    assert "PyYAML" in lines[0] and EXTRA in lines[0] and "Traceback" not in err.getvalue()
    assert not (tmp_path / "anytoken-acme").exists()


def test_spec_tools_name_the_extra_when_a_dependency_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.0.3\npaths: {}\n")
    for module, call in (
        ("yaml", lambda: spec_testing.load_spec(spec)),
        ("openapi_schema_validator", lambda: spec_testing._validator(None)),
        ("hypothesis", lambda: spec_fuzz.from_schema({"type": "string"})),
        ("jsonschema", lambda: spec_fuzz.success_bodies({}, "op")),
    ):
        with monkeypatch.context() as m:
            m.setitem(sys.modules, module, None)
            with pytest.raises(MissingDependencyError, match=re.escape(f"which is not installed: pip install '{EXTRA}'")) as info:
                call()
            assert "\n" not in str(info.value)
