"""anytoken plugin for Telnyx: telephony credential access tokens (WebRTC login JWTs).

The entry point ``telnyx = "anytoken_telnyx.plugin:plugin"`` is all anytoken needs; this package
imports nothing heavy (the generated client and the sandbox emulation load on first use).
"""

from __future__ import annotations

__all__: list[str] = []
