"""anytoken plugin for the Clerk Backend API (M2M, session, actor, sign-in and testing tokens)."""

from __future__ import annotations

__all__: list[str] = []
