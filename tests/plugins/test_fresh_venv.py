"""Plugin discovery proven with real pip installs in a fresh virtual environment.

The in-process equivalents (fake dist-info on sys.path) are in ``tests/core/test_registry.py``; here every
plugin is a real distribution from ``tests/plugins/fixtures/`` built and installed by pip (non-editable),
and every check runs the venv's own ``anytoken`` / ``python`` in a subprocess.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pytest
from venv_helpers import Venv

pytestmark = pytest.mark.slow


def providers_json(venv: Venv, env: dict[str, str] | None = None) -> dict[str, list[dict[str, Any]]]:
    done = venv.run(["anytoken", "providers", "--json"], env)
    assert done.returncode == 0, done.stderr
    rows: dict[str, list[dict[str, Any]]] = {}
    for row in json.loads(done.stdout):
        rows.setdefault(row["provider"], []).append(row)
    return rows


def only(rows: dict[str, list[dict[str, Any]]], provider: str) -> dict[str, Any]:
    assert len(rows[provider]) == 1, rows[provider]
    return rows[provider][0]


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got: {text!r}"
    return lines[0]


# -- (a) lazy import -------------------------------------------------------------------------------


def test_the_install_is_real_and_clean(fresh_venv: Venv) -> None:
    code = "import anytoken, sys; print(anytoken.__file__); print(sys.prefix != sys.base_prefix)"
    done = fresh_venv.run(["python", "-c", code])
    assert done.returncode == 0, done.stderr
    location, in_venv = done.stdout.split()
    assert str(fresh_venv.path) in location and "site-packages" in location  # not the checkout: non-editable
    assert in_venv == "True"
    freeze = fresh_venv.run(
        ["python", "-c", "import importlib.metadata as m; print(sorted(d.metadata['Name'] for d in m.distributions()))"]
    )
    names = set(eval(freeze.stdout))
    assert {"anytoken", "anytoken-fixture-good", "anytoken-fixture-broken-import"} <= names
    assert "openapi-python-client" not in names and "mypy" not in names  # a clean venv, not the dev one


def test_a_broken_plugin_is_never_imported_when_another_provider_is_used(fresh_venv: Venv) -> None:
    done = fresh_venv.run(["anytoken", "create", "fixgood", "--label", "lazy"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "fixgood-token-lazy-0123456789"
    assert fresh_venv.imported() == ["anytoken_fixture_good"]  # nothing else imported: not broken, not others
    assert done.stderr == ""  # and no warning about the broken plugin


def test_python_api_imports_only_the_plugin_asked_for(fresh_venv: Venv) -> None:
    code = textwrap.dedent(
        """
        import sys, anytoken
        token = anytoken.create_token("fixgood", label="api")
        print(token.value)
        print(sorted(m for m in sys.modules if m.startswith("anytoken_")))
        print(sorted(anytoken.default_client().registry.names()))
        """
    )
    done = fresh_venv.run(["python", "-c", code])
    assert done.returncode == 0, done.stderr
    value, modules, names = done.stdout.strip().splitlines()
    assert value == "fixgood-token-api-0123456789"
    assert eval(modules) == ["anytoken_fixture_good"]
    assert {"fixgood", "fixbroken", "fixshared", "clerk", "fixraises"} <= set(eval(names))  # known without import


def test_providers_lists_the_broken_plugin_with_reason_and_distribution(fresh_venv: Venv) -> None:
    done = fresh_venv.run(["anytoken", "providers"])
    assert done.returncode == 0, done.stderr
    broken_line = next(line for line in done.stdout.splitlines() if line.startswith("fixbroken"))
    assert "anytoken-fixture-broken-import" in broken_line and "broken" in broken_line
    reason = next(line for line in done.stdout.splitlines() if line.strip().startswith("! fixbroken"))
    assert "(anytoken-fixture-broken-import)" in reason
    assert "failed to import" in reason and "anytoken_fixture_missing_dependency" in reason
    good = next(line for line in done.stdout.splitlines() if line.startswith("fixgood"))
    assert "ok" in good.split()

    row = only(providers_json(fresh_venv), "fixbroken")
    assert row["status"] == "broken" and row["distribution"] == "anytoken-fixture-broken-import"
    assert "ModuleNotFoundError" in row["error"]


def test_using_the_broken_plugin_is_a_one_line_plugin_error(fresh_venv: Venv) -> None:
    done = fresh_venv.run(["anytoken", "create", "fixbroken"])
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("anytoken: error:")]
    assert len(errors) == 1, done.stderr
    assert "anytoken-fixture-broken-import" in errors[0] and "failed to import" in errors[0]
    assert errors[0] == done.stderr.splitlines()[-1]


def test_strict_mode_turns_a_broken_plugin_into_an_error(fresh_venv: Venv) -> None:
    done = fresh_venv.run(["anytoken", "providers"], {"ANYTOKEN_STRICT_PLUGINS": "1"})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "anytoken-fixture" in done.stderr
    # strict mode does not break the providers that work
    ok = fresh_venv.run(["anytoken", "create", "fixgood"], {"ANYTOKEN_STRICT_PLUGINS": "1"})
    assert ok.returncode == 0, ok.stderr


# -- (b) isolation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "plugin", "reason"),
    [
        ("fixraises", "anytoken_fixture_misbehaving.raises", "RuntimeError"),
        ("fixwrongtype", "anytoken_fixture_misbehaving.wrongtype:plugin", "dict"),
        ("fixmalformed", "anytoken_fixture_misbehaving.malformed", "malformed declaration"),
        ("fixdeclraises", "anytoken_fixture_misbehaving.declraises", "anytoken_providers() raised ValueError"),
    ],
)
def test_a_misbehaving_plugin_is_a_plugin_error_for_its_provider_only(fresh_venv: Venv, provider: str, plugin: str, reason: str) -> None:
    code = textwrap.dedent(
        f"""
        import warnings
        warnings.simplefilter("ignore")
        import anytoken
        from anytoken.errors import PluginError
        try:
            anytoken.create_token({provider!r})
        except PluginError as exc:
            print("PluginError", exc.plugin, exc.distribution, sep="|")
            print(str(exc))
        else:
            print("no error")
        print(anytoken.create_token("fixgood", label="after").value)   # the others still work
        """
    )
    done = fresh_venv.run(["python", "-c", code])
    assert done.returncode == 0, done.stderr
    head, message, after = done.stdout.strip().splitlines()
    kind, got_plugin, distribution = head.split("|")
    assert kind == "PluginError"
    assert distribution == "anytoken-fixture-misbehaving"
    assert got_plugin == plugin
    assert reason in message and "anytoken-fixture-misbehaving" in message and plugin in message
    assert after == "fixgood-token-after-0123456789"


def test_misbehaving_plugins_do_not_break_the_listing(fresh_venv: Venv) -> None:
    rows = providers_json(fresh_venv)
    for provider in ("fixmalformed", "fixdeclraises"):
        row = only(rows, provider)
        assert row["status"] == "broken" and row["distribution"] == "anytoken-fixture-misbehaving", row
    for provider in ("fixgood", "fixraises", "fixwrongtype"):  # these declare fine; they fail only when minting
        assert only(rows, provider)["status"] == "loaded"


def test_cli_reports_a_raising_plugin_in_one_line(fresh_venv: Venv) -> None:
    done = fresh_venv.run(["anytoken", "create", "fixraises"])
    assert done.returncode == 1
    line = one_line(done.stderr)
    assert line.startswith("anytoken: error:") and "anytoken-fixture-misbehaving" in line and "RuntimeError" in line


# -- (c) conflicts -----------------------------------------------------------------------------------


def test_two_distributions_declaring_one_provider_is_a_conflict_naming_both(fresh_venv: Venv) -> None:
    done = fresh_venv.run(["anytoken", "create", "fixshared"])
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert "anytoken-fixture-conflict-a" in line and "anytoken-fixture-conflict-b" in line
    assert "ANYTOKEN_PROVIDER_FIXSHARED" in line
    assert fresh_venv.imported() == []  # neither was imported
    rows = providers_json(fresh_venv)
    assert {r["distribution"] for r in rows["fixshared"]} == {"anytoken-fixture-conflict-a", "anytoken-fixture-conflict-b"}
    assert {r["status"] for r in rows["fixshared"]} == {"conflict"}


@pytest.mark.parametrize("dist", ["anytoken-fixture-conflict-a", "anytoken-fixture-conflict-b"])
def test_env_choice_resolves_the_conflict(fresh_venv: Venv, dist: str) -> None:
    done = fresh_venv.run(["anytoken", "create", "fixshared", "--label", "chosen"], {"ANYTOKEN_PROVIDER_FIXSHARED": dist})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"from-{dist.removeprefix('anytoken-fixture-')}-chosen-0123456789"
    assert fresh_venv.imported() == [dist.replace("-", "_")]


def test_choosing_a_distribution_that_is_not_installed_is_an_error(fresh_venv: Venv) -> None:
    done = fresh_venv.run(["anytoken", "create", "fixshared"], {"ANYTOKEN_PROVIDER_FIXSHARED": "anytoken-fixture-nope"})
    assert done.returncode == 1
    assert "anytoken-fixture-nope" in done.stderr and "anytoken-fixture-conflict-a" in done.stderr


# -- (d) built-in names ------------------------------------------------------------------------------


def test_a_distribution_cannot_take_over_a_builtin_name(fresh_venv: Venv) -> None:
    done = fresh_venv.run(["anytoken", "create", "clerk"], {"CLERK_SECRET_KEY": "sk_test_must_not_leak_0123456789"})
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert "anytoken-fixture-evil-clerk" in line and "anytoken-clerk (built-in name)" in line
    assert "sk_test_must_not_leak" not in line
    assert fresh_venv.imported() == []  # the intruder's code never ran
    row = only(providers_json(fresh_venv), "clerk")
    assert row["status"] == "conflict" and row["distribution"] == "anytoken-fixture-evil-clerk"


def test_an_explicit_choice_can_still_use_the_other_clerk(fresh_venv: Venv) -> None:
    done = fresh_venv.run(["anytoken", "create", "clerk"], {"ANYTOKEN_PROVIDER_CLERK": "anytoken-fixture-evil-clerk"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("evil-clerk-")


# -- (e) allow-list and disabling --------------------------------------------------------------------


def test_allow_list_by_provider_name(fresh_venv: Venv) -> None:
    rows = providers_json(fresh_venv, {"ANYTOKEN_PLUGINS": "fixgood"})
    assert only(rows, "fixgood")["status"] == "loaded"
    others = [r for name, rs in rows.items() if name != "fixgood" for r in rs]
    assert others and all(r["status"] == "disabled" for r in others)
    assert fresh_venv.imported() == ["anytoken_fixture_good"]  # listing imported only the allowed plugin
    denied = fresh_venv.run(["anytoken", "create", "fixraises"], {"ANYTOKEN_PLUGINS": "fixgood"})
    assert denied.returncode == 2
    assert "fixraises" in one_line(denied.stderr)
    assert fresh_venv.imported() == []


def test_allow_list_by_distribution_name_settles_a_conflict(fresh_venv: Venv) -> None:
    env = {"ANYTOKEN_PLUGINS": "fixgood, anytoken-fixture-conflict-b"}
    done = fresh_venv.run(["anytoken", "create", "fixshared"], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("from-conflict-b-")
    assert fresh_venv.run(["anytoken", "create", "fixgood"], env).returncode == 0


def test_disable_plugins(fresh_venv: Venv) -> None:
    env = {"ANYTOKEN_DISABLE_PLUGINS": "1"}
    listing = fresh_venv.run(["anytoken", "providers"], env)
    assert listing.returncode == 0
    assert "No providers installed" in listing.stdout
    done = fresh_venv.run(["anytoken", "create", "fixgood"], env)
    assert done.returncode == 2
    assert "fixgood" in one_line(done.stderr)
    assert fresh_venv.imported() == []
    code = "import anytoken; print(anytoken.list_providers())"
    api = fresh_venv.run(["python", "-c", code], env)
    assert api.returncode == 0, api.stderr
    assert fresh_venv.imported() == []


# -- (f) a built-in plugin, installed for real -------------------------------------------------------


def test_telnyx_plugin_installed_non_editable_is_listed(fresh_venv: Venv) -> None:
    if not fresh_venv.telnyx:
        pytest.skip("plugins/anytoken-telnyx (or generated/anytoken-telnyx-client) does not exist yet")
    row = only(providers_json(fresh_venv), "telnyx")
    assert row["status"] == "loaded" and row["distribution"] == "anytoken-telnyx"
    assert "TELNYX_API_KEY" in row["env"]
    where = fresh_venv.run(
        ["python", "-c", "import anytoken_telnyx, anytoken_telnyx_client as c; print(anytoken_telnyx.__file__, c.__file__)"]
    )
    assert where.returncode == 0, where.stderr
    assert all("site-packages" in p for p in where.stdout.split())  # real installs, not the checkout
