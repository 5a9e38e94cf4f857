"""The templates of a scaffolded plugin's tests (filled in by ``_render``), one file a role as in the built-in
plugins (docs/plugins.md, "Layout of a plugin"): ``tests/test_<name>_plugin.py``, ``tests/test_<name>_conformance.py``
and ``tests/test_<name>_spec.py``."""

from __future__ import annotations

from string import Template

__all__ = ["CONFORMANCE_TESTS", "PLUGIN_TESTS", "SPEC_TESTS", "test_files"]

CONFORMANCE_TESTS = Template('''"""anytoken's shared conformance suite (``anytoken.devkit.testing.ProviderConformance``) against this
plugin's sandbox emulation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from anytoken.devkit.testing import ProviderConformance


class TestConformance(ProviderConformance):
    provider = "$name"
    #: kinds without that failure mode in the emulation, and why (the suite requires a case or a reason)
    no_not_found: ClassVar[Mapping[str, str]] = $no_not_found
    no_invalid: ClassVar[Mapping[str, str]] = $no_invalid
''')

PLUGIN_TESTS = Template('''"""The plugin's own behaviour: its declaration (what the spec said) and the tokens it mints from the sandbox."""

from __future__ import annotations

from anytoken.devkit.sandbox import Sandbox

from $package.plugin import DECLARATION, plugin

#: kind -> (what the sandbox mints: "jwt" or "opaque:<prefix>", whether the answer carries an expiry)
FORMATS = $formats
#: kind -> its required parameters, as the spec has them
REQUIRED = $required
#: credential -> its environment variables
CREDENTIAL_ENV = $credential_env


def test_the_declaration_is_the_module_level_value_and_well_formed() -> None:
    DECLARATION.check()
    assert plugin.declare() is DECLARATION and list(plugin.anytoken_providers()) == [DECLARATION]
    assert DECLARATION.name == "$name" and [k.name for k in DECLARATION.kinds] == list(FORMATS)
    for kind in DECLARATION.kinds:
        assert sorted(p.name for p in kind.params if p.required) == sorted(REQUIRED[kind.name]), kind.name
    assert {c.name: c.env for c in DECLARATION.credentials} == CREDENTIAL_ENV


def test_minted_token_has_the_documented_shape(anytoken_sandbox: Sandbox) -> None:
    with anytoken_sandbox.client(env={}) as client:
        for kind, params in anytoken_sandbox.examples("$name").items():
            token = client.create_token("$name", kind=kind, **params)
            shape, has_expiry = FORMATS[kind]
            if shape == "jwt":
                assert anytoken_sandbox.verify_jwt(token.value)["iss"] == "$name-sandbox"
            else:
                assert token.value.startswith(shape.partition(":")[2]) and token.claims is None
            if shape == "jwt" or has_expiry:
                assert token.expires_at is not None
            assert "Unset" not in repr(token.metadata)
''')

SPEC_TESTS = Template('''"""The plugin's requests and the sandbox's answers against the spec this plugin was made from (``specs/$name.yaml``).

Every example, not-found and invalid case of the emulation is minted through the installed plugin, and each
exchange, recorded at the sandbox, is checked against its operation: the request's content type and JSON body
(an invalid case may break the body schema: that is what the provider rejects), the status (declared exactly,
as a range such as ``4XX``, or as ``default``; a success must be declared) and a documented answer's body.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anytoken.devkit.sandbox import Sandbox, sandbox_providers
from anytoken.devkit.spec_testing import (
    Exchange,
    load_spec,
    operation,
    recording_sandbox,
    request_errors,
    validate_request,
    validate_response,
)
from anytoken.errors import AnytokenError

SPEC = Path(__file__).resolve().parents[1] / "specs" / "$name.yaml"
(_PROVIDER,) = [p for p in sandbox_providers() if p.name == "$name"]
CASES = [
    *(("example", kind, dict(params)) for kind, params in _PROVIDER.examples.items()),
    *(("not_found", kind, dict(params)) for kind, params in _PROVIDER.not_found.items()),
    *(("invalid", kind, dict(params)) for kind, params in _PROVIDER.invalid.items()),
]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec(SPEC, skip_if_absent=False)


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[Sandbox, list[Exchange]]]:
    with recording_sandbox(_PROVIDER) as recorded:
        yield recorded


def _declared(responses: dict[str, Any], status: int) -> str | None:
    """The ``responses`` key that covers ``status``: itself, its range (``4XX``) or ``default``."""
    return next((key for key in (str(status), f"{str(status)[0]}XX", "default") if key in responses), None)


@pytest.mark.parametrize(("case", "kind", "params"), CASES, ids=[f"{c}-{k}" for c, k, _ in CASES])
def test_requests_and_answers_match_the_spec(
    spec: dict[str, Any], recorded: tuple[Sandbox, list[Exchange]], case: str, kind: str, params: dict[str, Any]
) -> None:
    sandbox, exchanges = recorded
    sandbox.reset()
    exchanges.clear()
    with sandbox.client(env={}) as client:
        if case == "example":
            client.create_token("$name", kind=kind, **params)
        else:
            with pytest.raises(AnytokenError):
                client.create_token("$name", kind=kind, **params)
    assert exchanges, f"{case} {kind}: no request reached the sandbox"
    for ex in exchanges:
        op = operation(spec, ex.method, ex.path)
        if case == "invalid":
            request_errors(spec, op, ex)  # the content type must still be one the operation takes
        else:
            validate_request(spec, op, ex)
        key = _declared(op["responses"], ex.status)
        assert key is not None or case != "example", f"{ex.operation_id}: HTTP {ex.status} is not in the spec"
        assert (200 <= ex.status < 300) == (case == "example"), f"{case} {kind}: HTTP {ex.status}"
        if key is not None:
            documented = validate_response(spec, {**op, "responses": {str(ex.status): op["responses"][key]}}, ex)
            assert documented or case != "example", f"{ex.operation_id}: the {ex.status} answer has no documented body"
''')


def test_files(name: str, substitutions: dict[str, str]) -> dict[str, str]:
    """Relative path -> content of the three test files."""
    return {
        f"tests/test_{name}_plugin.py": PLUGIN_TESTS.substitute(substitutions),
        f"tests/test_{name}_conformance.py": CONFORMANCE_TESTS.substitute(substitutions),
        f"tests/test_{name}_spec.py": SPEC_TESTS.substitute(substitutions),
    }
