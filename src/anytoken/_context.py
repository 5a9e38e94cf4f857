"""The context variables of one attempt, in a module that imports nothing of anytoken's: the HTTP layer
sets them and reads them, the Client scopes them per attempt, the plugin toolkit reads the last response."""

from __future__ import annotations

import contextvars
from typing import Any

__all__ = ["call_deadline", "call_timeout", "forget_response", "last_response"]

#: seconds for each phase of the current attempt (None: the client's default)
call_timeout: contextvars.ContextVar[float | None] = contextvars.ContextVar("anytoken_call_timeout", default=None)
#: time.monotonic() by which the whole call must end (None: no deadline)
call_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("anytoken_call_deadline", default=None)
#: the last raw response seen in this context (an ``httpx.Response`` or a wire response: ``status_code``,
#: ``headers``, ``content``), set by the pooled clients
last_response: contextvars.ContextVar[Any] = contextvars.ContextVar("anytoken_last_response", default=None)


def forget_response() -> None:
    """Drop the raw response of this context. The Client calls it after every attempt, whichever plugin
    answered (one built on GeneratedProvider or written directly on the hooks): the response holds the token."""
    if last_response.get() is not None:
        last_response.set(None)
