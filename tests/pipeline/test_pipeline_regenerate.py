"""scripts/regenerate.py: fingerprints, --check, atomic replacement, clear errors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from _pipeline.trees import tree_digest
from pipeline_support import REPO_ROOT, mypy_strict, run_script

PROVIDERS = ("telnyx", "clerk", "quadrata", "qrvey", "unleash", "oauth2")


def test_every_provider_has_spec_config_and_client() -> None:
    for name in PROVIDERS:
        assert (REPO_ROOT / "specs" / f"{name}.yaml").is_file()
        assert (REPO_ROOT / "specs" / f"{name}.config.yaml").is_file()
        assert (REPO_ROOT / "generated" / f"anytoken-{name}-client" / f"anytoken_{name}_client" / "py.typed").is_file()


@pytest.mark.slow
def test_check_passes_on_the_committed_tree() -> None:
    result = run_script("regenerate.py", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    for name in PROVIDERS:
        assert f"{name}: generated/anytoken-{name}-client matches specs/{name}.yaml" in result.stdout


def test_noop_run_skips_everything_quickly(repo_copy: Path) -> None:
    before = tree_digest(repo_copy / "generated")
    started = time.perf_counter()
    result = run_script("regenerate.py", root=repo_copy)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("up to date") == len(PROVIDERS)
    assert tree_digest(repo_copy / "generated") == before
    assert elapsed < 2.0  # ~0.2 s in practice: no generator, no validator, no YAML parsing


@pytest.mark.slow
def test_editing_a_spec_without_regenerating_fails_check(repo_copy: Path) -> None:
    spec = repo_copy / "specs" / "quadrata.yaml"
    spec.write_text(spec.read_text().replace("description: Your Quadrata API key.", "description: The API key."))
    result = run_script("regenerate.py", "--check", "quadrata", root=repo_copy)
    assert result.returncode == 1
    assert "generated/anytoken-quadrata-client/anytoken_quadrata_client/models/login_request.py: differs" in result.stdout
    assert "generated/anytoken-quadrata-client/.anytoken-pipeline.json: differs" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_hand_edited_client_fails_check_and_is_regenerated(repo_copy: Path) -> None:
    client = repo_copy / "generated" / "anytoken-qrvey-client" / "anytoken_qrvey_client" / "client.py"
    original = client.read_bytes()
    client.write_bytes(original + b"# hand edit\n")
    check = run_script("regenerate.py", "--check", "qrvey", root=repo_copy)
    assert check.returncode == 1
    assert "anytoken_qrvey_client/client.py: differs" in check.stdout
    regen = run_script("regenerate.py", "qrvey", root=repo_copy)
    assert regen.returncode == 0, regen.stderr
    assert "qrvey: regenerated" in regen.stdout
    assert client.read_bytes() == original


@pytest.mark.slow
def test_regeneration_reports_operation_changes_then_is_a_noop(repo_copy: Path) -> None:
    spec = repo_copy / "specs" / "qrvey.yaml"
    text = spec.read_text()
    text = text.replace("operationId: adminCenterLogin", "operationId: adminCenterLoginV5")
    text = text.replace("example: 60m", "example: 12h")
    spec.write_text(text)
    result = run_script("regenerate.py", "qrvey", root=repo_copy)
    assert result.returncode == 0, result.stderr
    assert "+ adminCenterLoginV5 (POST /admin/api/v5/login)" in result.stdout
    assert "- adminCenterLogin (POST /admin/api/v5/login)" in result.stdout
    assert "~ generateWidgetSecurityToken (POST /devapi/v4/core/login/token)" in result.stdout
    package = repo_copy / "generated" / "anytoken-qrvey-client" / "anytoken_qrvey_client"
    assert (package / "api" / "admin_center" / "admin_center_login_v5.py").is_file()
    assert not (package / "api" / "admin_center" / "admin_center_login.py").exists()
    assert not list((repo_copy / "generated").glob(".regen-*")), "temporary directories left behind"
    again = run_script("regenerate.py", "qrvey", root=repo_copy)
    assert "qrvey: up to date" in again.stdout
    assert run_script("regenerate.py", "--check", "qrvey", root=repo_copy).returncode == 0
    assert mypy_strict(package.parent, package.name).returncode == 0


def test_broken_spec_gives_one_clear_line_and_leaves_generated_alone(repo_copy: Path) -> None:
    spec = repo_copy / "specs" / "unleash.yaml"
    spec.write_text(spec.read_text().replace("operationId: createPat", "operationId: [createPat]"))
    before = tree_digest(repo_copy / "generated")
    result = run_script("regenerate.py", root=repo_copy)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: specs/unleash.yaml:")
    assert "paths//api/admin/user/tokens/post/operationId" in first
    assert "is not of type 'string'" in first
    line = int(first.split(":")[2])
    assert "operationId: [createPat]" in spec.read_text().splitlines()[line - 1]
    assert "nothing was regenerated" in result.stderr
    assert tree_digest(repo_copy / "generated") == before


def test_invalid_yaml_names_file_and_line(repo_copy: Path) -> None:
    spec = repo_copy / "specs" / "telnyx.yaml"
    spec.write_text(spec.read_text().replace("  /telephony_credentials:\n", "  /telephony_credentials: [\n", 1))
    before = tree_digest(repo_copy / "generated")
    result = run_script("regenerate.py", "telnyx", root=repo_copy)
    assert result.returncode == 1
    assert result.stderr.startswith("error: specs/telnyx.yaml:")
    assert "invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(repo_copy / "generated") == before


def test_generator_failure_leaves_generated_alone(repo_copy: Path) -> None:
    config = repo_copy / "specs" / "clerk.config.yaml"
    config.write_text(config.read_text() + "class_overrides: not-a-mapping\n")
    before = tree_digest(repo_copy / "generated")
    result = run_script("regenerate.py", "clerk", root=repo_copy)
    assert result.returncode == 1
    assert "error: specs/clerk.yaml: openapi-python-client failed" in result.stderr
    assert "left unchanged" in result.stderr
    assert tree_digest(repo_copy / "generated") == before
    assert not list((repo_copy / "generated").glob(".regen-*"))


def test_pin_mismatch_says_how_to_fix(repo_copy: Path) -> None:
    pins = repo_copy / "scripts" / "requirements-generator.txt"
    pins.write_text(pins.read_text().replace("openapi-python-client==0.29.1", "openapi-python-client==0.1.0"))
    result = run_script("regenerate.py", root=repo_copy)
    assert result.returncode == 1
    assert "openapi-python-client 0.29.1 is installed but 0.1.0 is pinned" in result.stderr
    assert "pip install -r" in result.stderr


def test_unknown_provider_is_a_usage_error(repo_copy: Path) -> None:
    result = run_script("regenerate.py", "nosuch", root=repo_copy)
    assert result.returncode == 2
    assert "unknown provider 'nosuch'; available: clerk, oauth2, qrvey, quadrata, telnyx, unleash" in result.stderr


def test_check_and_force_are_exclusive(repo_copy: Path) -> None:
    assert run_script("regenerate.py", "--check", "--force", root=repo_copy).returncode == 2
