"""Helpers shared by ``scripts/regenerate.py`` and ``scripts/slice_spec.py``.

Reading, slicing and repairing OpenAPI documents lives in the core package (``anytoken.devkit.openapi``, shared
with ``anytoken new-plugin``); ``openapi`` and ``yamlio`` here adapt it to the scripts (``PipelineError``,
operation digests, error positions). Only the standard library, PyYAML and (lazily) anytoken and
openapi-spec-validator are used, so a no-op ``regenerate.py`` imports none of them.
"""

from __future__ import annotations
