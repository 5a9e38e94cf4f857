"""Qrvey's ``expiresIn`` durations (``60m``, ``1h``, ``1d``, ``1w`` ...), shared by the plugin and its sandbox.

``expiresIn`` is the option name of Node's ``jsonwebtoken``, which reads durations with the ``ms`` package:
a number followed by a unit (``s``, ``m``, ``h``, ``d``, ``w``, ``y`` or a long form such as ``2 days``). A bare
number means *milliseconds* there, a classic source of tokens that expire at once, so a unit is required.
"""

from __future__ import annotations

import re

__all__ = ["EXAMPLE", "duration_problem", "duration_seconds"]

EXAMPLE = 'a duration such as "60m", "12h", "1d" or "1w"'

_UNITS: dict[str, float] = {}
for _names, _seconds in (
    (("ms", "msec", "msecs", "millisecond", "milliseconds"), 0.001),
    (("s", "sec", "secs", "second", "seconds"), 1.0),
    (("m", "min", "mins", "minute", "minutes"), 60.0),
    (("h", "hr", "hrs", "hour", "hours"), 3600.0),
    (("d", "day", "days"), 86400.0),
    (("w", "week", "weeks"), 604800.0),
    (("y", "yr", "yrs", "year", "years"), 31557600.0),
):
    for _name in _names:
        _UNITS[_name] = _seconds

_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+) *([a-z]+)\s*$", re.IGNORECASE)
_MAX_LEN = 100


def duration_seconds(text: str) -> float | None:
    """Seconds in ``text``, or None when it is not a positive duration with a unit."""
    if len(text) > _MAX_LEN:
        return None
    match = _PATTERN.match(text)
    if match is None:
        return None
    unit = _UNITS.get(match.group(2).lower())
    if unit is None:
        return None
    seconds = float(match.group(1)) * unit
    return seconds if seconds >= 1.0 else None


def duration_problem(text: str) -> str | None:
    """Why ``text`` is not a valid ``expiresIn`` (None when it is). Never echoes long input."""
    if duration_seconds(text) is not None:
        return None
    match = _PATTERN.match(text) if len(text) <= _MAX_LEN else None
    if match is not None and match.group(2).lower() in _UNITS:
        return f"must be at least one second, e.g. {EXAMPLE}"
    shown = text if len(text) <= 20 else text[:17] + "..."
    if text.strip().isdigit():
        return f"expected {EXAMPLE}, got {shown!r} (a unit is required: a bare number would mean milliseconds)"
    return f"expected {EXAMPLE}, got {shown!r}"
