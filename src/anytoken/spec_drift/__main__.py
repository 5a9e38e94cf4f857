"""``python -m anytoken.spec_drift PROVIDER --upstream FILE_OR_URL [--ours PATH] [--json]``."""

from __future__ import annotations

import sys

from ._cli import main

sys.exit(main())
