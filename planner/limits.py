"""Bounds on work, checked before the work starts; each can be raised from the environment.

Every input or option that scales time or memory (file sizes, trace span / step, points per
query, deploys x steps of a backtest batch, replay runs) is compared with a :class:`Limit`
first. A rejection names the amount, the limit and the environment variable that raises it,
e.g. ``t.csv: 2012-01-01T00:00:00+00:00 to 2026-01-01T00:00:00+00:00 at a step of 60s =
7,364,161 time steps, over the limit of 5,000,000 time steps (raise it with
DEVOPS_PLANNER_MAX_TRACE_SLOTS=...)``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from planner.exceptions import PlannerError

__all__ = [
    "MAX_ANSWER_BYTES",
    "MAX_CELLS",
    "MAX_INPUT_BYTES",
    "MAX_QUERY_POINTS",
    "MAX_RUNS",
    "MAX_TRACE_SLOTS",
    "Limit",
]

_PREFIX = "DEVOPS_PLANNER_"


@dataclass(frozen=True)
class Limit:
    """An upper bound named ``name``; ``DEVOPS_PLANNER_<NAME>`` in the environment raises it."""

    name: str
    default: int
    unit: str

    @property
    def variable(self) -> str:
        """The environment variable that overrides the default."""
        return f"{_PREFIX}{self.name}"

    def value(self) -> int:
        """The limit in force (the environment variable when set to a positive integer).

        Raises:
            PlannerError: the variable is set but is not a positive integer.
        """
        raw = os.environ.get(self.variable)
        if raw is None or not raw.strip():
            return self.default
        text = raw.strip().replace("_", "")
        if not text.isdigit() or len(text) > 18 or int(text) < 1:
            raise PlannerError(
                f"{self.variable}: {raw[:40]!r} is not a positive integer "
                f"(the limit of {self.unit})"
            )
        return int(text)

    def over(self, what: str, amount: float | None) -> str:
        """The message for ``amount`` over the limit (``None``: the amount is not known)."""
        size = "" if amount is None else f" = {amount:,.0f} {self.unit},"
        return (
            f"{what}{size} over the limit of {self.value():,} {self.unit} "
            f"(raise it with {self.variable}=...)"
        )

    def check(self, what: str, amount: float, error: type[PlannerError] = PlannerError) -> None:
        """Raise ``error`` naming ``what`` when ``amount`` exceeds the limit.

        Raises:
            error: ``amount`` is over the limit (or not a number).
        """
        if not amount <= self.value():  # also catches NaN
            raise error(self.over(what, amount))


MAX_INPUT_BYTES = Limit("MAX_INPUT_BYTES", 64 << 20, "bytes")
MAX_TRACE_SLOTS = Limit("MAX_TRACE_SLOTS", 5_000_000, "time steps")
MAX_QUERY_POINTS = Limit("MAX_QUERY_POINTS", 5_000_000, "points per query")
# One Prometheus answer, read in chunks: a 11,000-point range query answers in about 0.5 MB
MAX_ANSWER_BYTES = Limit("MAX_ANSWER_BYTES", 256 << 20, "bytes")
MAX_CELLS = Limit("MAX_CELLS", 20_000_000, "deploy-steps")
MAX_RUNS = Limit("MAX_RUNS", 1_000_000, "runs")
