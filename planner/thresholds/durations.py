"""The one duration grammar: Prometheus's (``90s``, ``10m``, ``1h30m``, ``3d``, ``1w``).

Thresholds files, profile timings and the Prometheus import all read durations through
:func:`duration_seconds`; units are ``ms s m h d w y`` as in Prometheus (``y`` = 365 days).
"""

from __future__ import annotations

import re
from typing import Any

from planner.exceptions import ThresholdsError

__all__ = ["duration_seconds", "format_duration", "parse_duration"]

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_UNIT_SECONDS = {
    "ms": 0.001,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "w": 7 * 86400.0,
    "y": 365 * 86400.0,
}


def duration_seconds(text: str) -> float | None:
    """Seconds in a duration such as ``"1h30m"``, or None when ``text`` is not one."""
    value = text.strip()
    parts = _DURATION.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        return None
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)


def parse_duration(value: Any, where: str) -> float:
    """Minutes in a duration such as ``"90s"``, ``"10m"``, ``"1h30m"`` or ``"3d"`` (or ``0``).

    Raises:
        ThresholdsError: the value is not such a string; the message names ``where``.
    """
    if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
        return 0.0
    seconds = duration_seconds(value) if isinstance(value, str) else None
    if seconds is not None:
        return seconds / 60.0
    raise ThresholdsError(
        f"{where}: {value!r} is not a duration (expected e.g. '30s', '10m', '1h30m', '3d')"
    )


def format_duration(minutes: float) -> str:
    """The shortest exact duration string for ``minutes`` (``90.0`` -> ``"1h30m"``)."""
    seconds = round(minutes * 60)
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
