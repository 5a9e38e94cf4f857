#!/usr/bin/env python3
"""Compare our spec for a provider with the provider's published spec: a drift report.

    python scripts/spec_drift.py PROVIDER --upstream FILE_OR_URL [--ours PATH] [--accepted PATH] [--json]

Every operation of ``specs/PROVIDER.yaml`` (or ``--ours``) is matched with the same upstream operation (by
method and path, templates normalised, or by operationId) and compared: parameters, request bodies,
responses, content types and security, with ``$ref``/``allOf`` resolved on both sides. Each difference is
breaking, additive or cosmetic. Reviewed differences are listed, with a reason each, in
``specs/PROVIDER.drift-accepted.yaml``; they are reported but do not fail the check.

Exit codes: 0 no breaking drift, 1 breaking drift, 2 usage error or unreadable spec. The logic is
``anytoken.devkit.spec_drift`` (installed with anytoken, so plugin authors run ``python -m anytoken.devkit.spec_drift``).
See docs/pipeline.md, "When a provider's spec changes".
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from anytoken.devkit.spec_drift import main as _main

ROOT = Path(__file__).resolve().parents[1]


def main(argv: Sequence[str] | None = None) -> int:
    return _main(argv, root=ROOT, prog="spec_drift.py")


if __name__ == "__main__":
    sys.exit(main())
