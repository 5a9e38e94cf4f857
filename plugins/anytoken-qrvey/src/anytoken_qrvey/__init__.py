"""anytoken plugin for Qrvey (widget / Composer security tokens, Admin Center login tokens).

The entry point is ``anytoken_qrvey.plugin:plugin``; this package imports nothing on its own so that
discovering the plugin stays cheap.
"""

from __future__ import annotations

__all__: list[str] = []
