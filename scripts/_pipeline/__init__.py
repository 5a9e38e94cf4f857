"""Helpers shared by ``scripts/regenerate.py`` and ``scripts/slice_spec.py``.

Only the standard library, PyYAML and (lazily) openapi-spec-validator are used
here, so the scripts start fast and run anywhere the pinned toolchain is
installed.
"""

from __future__ import annotations
