"""Test areas that must not be skipped: ``ANYTOKEN_REQUIRE=redis,unleash,upstream-specs``.

Some tests need something this repository does not ship: a ``redis-server`` binary, a real Unleash server,
the providers' published specs in ``../shared/upstream-specs``. On a newcomer's machine those tests skip
with the reason. In CI a skip there would hide a whole area, so CI names the areas it must cover in
``ANYTOKEN_REQUIRE`` (comma-separated, case-insensitive; any name works, nothing to register) and every skip
of a required area becomes a failure:

- a test (or fixture) that cannot set up an area calls :func:`require` instead of ``pytest.skip``::

      if shutil.which("redis-server") is None:
          require("redis", "redis-server is not installed (apt-get install -y redis-server)")

- a test carrying a marker named like a required area (``@pytest.mark.redis``; ``_`` for ``-``:
  ``@pytest.mark.upstream_specs``) that skips for any other
  reason fails too (the ``pytest_runtest_makereport`` hook below, loaded with the ``anytoken`` pytest
  plugin, :mod:`anytoken_pytest`), so a bare ``pytest.skip`` in such a test cannot hide the area either.

The terminal summary lists each required area with the number of marked tests collected and of setups
that failed, so a misspelt area name (which no test asks for) shows.

This lives in the top-level :mod:`anytoken_pytest` (it must not import ``anytoken``: pytest loads it at start-up);
import it as :mod:`anytoken.devkit.required_areas`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Generator, Mapping
from typing import Any, NoReturn

import pytest

__all__ = ["ENV_VAR", "require", "required_areas"]

ENV_VAR = "ANYTOKEN_REQUIRE"
_AREA = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_unavailable: Counter[str] = Counter()
_marked: Counter[str] = Counter()


def required_areas(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """The areas named in ``ANYTOKEN_REQUIRE`` (lower-cased; blanks ignored)."""
    raw = (os.environ if environ is None else environ).get(ENV_VAR, "")
    return frozenset(a.strip().lower() for a in raw.split(",") if a.strip())


def require(area: str, reason: str) -> NoReturn:
    """Skip the calling test because ``area`` could not be set up, or fail it when ``area`` is required.

    Call it where a test would otherwise ``pytest.skip(reason)``; ``reason`` says what is missing and how to
    get it. Works in tests and fixtures (a fixture's failure is reported as an error of each test using it).
    """
    __tracebackhide__ = True  # the skip is reported at the caller's line
    name = area.strip().lower()
    if not _AREA.match(name):
        raise ValueError(f"area names are lowercase letters, digits, '-', '_' or '.': {area!r}")
    if name in required_areas():
        failure = pytest.fail.Exception(f"{ENV_VAR} includes {name!r}, but it is not available here: {reason}", pytrace=False)
        failure.anytoken_area = name  # type: ignore[attr-defined]  # counted by the report hook
        raise failure
    pytest.skip(f"{reason} [area {name}: {ENV_VAR}={name} turns this skip into a failure]")


# -- pytest hooks (registered by the anytoken_pytest plugin) -------------------------------------------------------


def _marked_areas(item: pytest.Item, required: frozenset[str]) -> list[str]:
    """The required areas ``item`` is marked with; a marker's ``_`` stands for an area's ``-`` (marker names are
    identifiers: ``@pytest.mark.upstream_specs`` marks the area ``upstream-specs``)."""
    names = {m.name.lower().replace("_", "-") for m in item.iter_markers()}
    return sorted(area for area in required if area.replace("_", "-") in names)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A skipped test marked with a required area's name fails, whatever skipped it."""
    report = yield
    area = getattr(call.excinfo.value if call.excinfo is not None else None, "anytoken_area", None)
    if report.failed and area is not None:
        _unavailable[area] += 1
    if not report.skipped or hasattr(report, "wasxfail"):
        return report
    required = required_areas()
    areas = _marked_areas(item, required) if required else []
    if areas:
        for area in areas:
            _unavailable[area] += 1
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"{ENV_VAR} includes {', '.join(areas)}, but this test of that area skipped: {reason}"
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    required = required_areas()
    for item in items if required else ():
        for area in _marked_areas(item, required):
            _marked[area] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line: each required area, its marked tests and the tests failed because it was not available."""
    required = required_areas()
    if required:
        parts = [f"{a} ({_marked[a]} marked tests, {_unavailable[a]} failed as unavailable)" for a in sorted(required)]
        terminalreporter.write_line(f"{ENV_VAR}: " + ", ".join(parts))
