"""anytoken's Unleash plugin: backend / frontend API tokens and personal access tokens.

The entry point is ``anytoken_unleash.plugin:plugin``; the sandbox emulation is in
``anytoken_unleash.sandbox`` (imported only when a sandbox starts).
"""

from __future__ import annotations

__all__: list[str] = []
