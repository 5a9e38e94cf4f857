"""anytoken's OAuth 2.0 / OpenID Connect plugin: any standard authorization server, plus presets.

The entry points (``oauth2``, ``auth0``, ``okta``, ``entra``, ``keycloak``, ``google``) all name
``anytoken_oauth2.plugin:plugin``; the sandbox emulation is in ``anytoken_oauth2.sandbox`` (imported only
when a sandbox starts).
"""

from __future__ import annotations

__all__: list[str] = []
