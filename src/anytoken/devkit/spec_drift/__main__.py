"""``python -m anytoken.devkit.spec_drift PROVIDER --upstream FILE_OR_URL [--ours PATH] [--json]``."""

from __future__ import annotations

import sys

from anytoken.devkit.spec_drift._cli import main

sys.exit(main())
