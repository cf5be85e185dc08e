"""argparse types for numeric options: finite, in range, and within the work limits.

``--onset nan``, ``--timeout 0`` or ``--runs 10**9`` are rejected while the command line is
parsed, with argparse's one-line ``argument --onset: 'nan' is not a finite number``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from planner.exceptions import PlannerError
from planner.limits import Limit

__all__ = ["finite_number", "integer"]


def finite_number(
    low: float | None = None, high: float | None = None, *, above: bool = False
) -> Callable[[str], float]:
    """A finite float in ``[low, high]`` (``above=True``: strictly above ``low``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        _range(text, value, low, high, above)
        return value

    parse.__name__ = "number"
    return parse


def integer(
    low: int | None = None, high: int | None = None, limit: Limit | None = None
) -> Callable[[str], int]:
    """An integer in ``[low, high]`` and within ``limit`` (whose message says how to raise it)."""

    def parse(text: str) -> int:
        stripped = text.strip()
        if not stripped.lstrip("+-").isdigit() or len(stripped) > 19:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer")
        value = int(stripped)
        _range(text, value, low, high, False)
        if limit is not None:
            try:
                limit.check(f"{value:,}", value)
            except PlannerError as exc:
                raise argparse.ArgumentTypeError(str(exc)) from None
        return value

    parse.__name__ = "integer"
    return parse


def _range(text: str, value: float, low: float | None, high: float | None, above: bool) -> None:
    if low is not None and (value < low or (above and value == low)):
        raise argparse.ArgumentTypeError(f"{text!r} must be {'>' if above else '>='} {low:g}")
    if high is not None and value > high:
        raise argparse.ArgumentTypeError(f"{text!r} must be <= {high:g}")
