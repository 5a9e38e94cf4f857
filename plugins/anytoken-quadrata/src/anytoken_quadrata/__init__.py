"""anytoken plugin for Quadrata: API access tokens (the JWT of ``POST /login``).

The entry point ``quadrata = "anytoken_quadrata.plugin:plugin"`` is all anytoken needs; this package
imports nothing heavy (the generated client and the sandbox emulation load on first use).
"""

from __future__ import annotations

__all__: list[str] = []
