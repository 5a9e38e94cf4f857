"""Test areas that must not be skipped: ``ANYTOKEN_REQUIRE=redis,unleash,upstream-specs``.

A test (or fixture) that cannot set up an area calls :func:`require` instead of ``pytest.skip``: a skip where
the area is optional, a failure where ``ANYTOKEN_REQUIRE`` names it. The implementation, and the pytest hooks
that also fail skipped tests marked with a required area, live in :mod:`anytoken_pytest._required` (the pytest
plugin, which must not import ``anytoken`` at pytest start-up); this module is their devkit name.
"""

from __future__ import annotations

from anytoken_pytest._required import ENV_VAR, require, required_areas

__all__ = ["ENV_VAR", "require", "required_areas"]
