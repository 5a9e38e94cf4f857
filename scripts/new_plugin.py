#!/usr/bin/env python3
"""Scaffold a provider plugin from an OpenAPI spec: a thin wrapper of ``anytoken new-plugin``.

    python scripts/new_plugin.py NAME --spec FILE --operation OPID [--operation ...] [--output DIR] ...

Same arguments and exit codes as ``anytoken new-plugin --help`` (the implementation is
``anytoken.devkit.scaffold``, so an installed anytoken without this repository has it too).
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    from anytoken.devkit.scaffold import main
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from anytoken.devkit.scaffold import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
