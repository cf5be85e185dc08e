"""Static threshold with a sustain window: a Prometheus alerting rule with ``for:``.

The rule ``expr: <metric over range> > threshold`` is evaluated every
``evaluation_interval_minutes`` (Prometheus ``evaluation_interval``, default 1m). When the
expression first holds the alert goes *pending* (``activeAt`` = that evaluation); it *fires* at
the first evaluation where it still holds and ``eval_time - activeAt >= for``. A single
evaluation where it does not hold, or where there is no sample (NaN: the series is absent),
resets it. ``for: 0`` fires at the first breaching evaluation. The plan's monitors map onto it:
``critical`` is the threshold, ``for_minutes`` the sustain window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planner.exceptions import ThresholdsError
from planner.model import Monitor
from planner.thresholds import StaticParams, ThresholdRule
from simulations.detectors.base import (
    BoolArray,
    Direction,
    Family,
    FloatArray,
    Observed,
    Scope,
    breach,
    hold,
    passes_critical,
    step_up,
    steps_per,
    window_value,
)

__all__ = ["FAMILY", "StaticThreshold", "from_monitor", "from_rule"]


@dataclass(frozen=True)
class StaticThreshold:
    """Alert when ``metric`` is beyond ``threshold`` for ``for_minutes`` (Prometheus ``for:``).

    Attributes:
        metric: canonical metric name (``error_ratio``, ``latency_p95_ms``, ...).
        threshold: the bound, in the metric's unit; breached strictly (``>`` / ``<``).
        direction: ``"above"`` when higher is worse, ``"below"`` otherwise.
        for_minutes: Prometheus ``for``: how long the breach must hold (>= 0).
        evaluation_interval_minutes: Prometheus ``evaluation_interval`` (a multiple of the step).
        range_minutes: the range of the query (``rate(x[range])``); None means one step.
        scope: ``"fleet"`` (service-wide alert, the default) or ``"canary"``.
        name: label used in results.
    """

    metric: str
    threshold: float
    direction: Direction = "above"
    for_minutes: float = 0.0
    evaluation_interval_minutes: float = 1.0
    range_minutes: float | None = None
    scope: Scope = "fleet"
    name: str = "static"

    def __post_init__(self) -> None:
        if self.for_minutes < 0:
            raise ThresholdsError(f"static.for_minutes(={self.for_minutes}) must be >= 0")
        if self.evaluation_interval_minutes <= 0:
            raise ThresholdsError(
                f"static.evaluation_interval_minutes(={self.evaluation_interval_minutes}) "
                "must be > 0"
            )
        if self.direction not in ("above", "below"):
            raise ThresholdsError(f"static.direction: {self.direction!r} is not above/below")

    def firing(self, obs: Observed) -> BoolArray:
        """Per step: the alert is firing (see the module docstring for the state machine)."""
        k = steps_per(
            self.evaluation_interval_minutes, obs.step_minutes, "static.evaluation_interval"
        )
        w = (
            1
            if self.range_minutes is None
            else steps_per(self.range_minutes, obs.step_minutes, "static.range_minutes")
        )
        v = window_value(obs, w)[..., k - 1 :: k]
        cond = breach(v, self.threshold, self.direction)
        m = np.arange(cond.shape[-1])
        last_false = np.maximum.accumulate(np.where(cond, -1, m), axis=-1)
        # firing when the evaluations held since activeAt (m - last_false - 1) cover `for`
        need = math.ceil(self.for_minutes / self.evaluation_interval_minutes - 1e-9)
        fired = cond & (last_false <= m - 1 - need)
        return hold(fired, k, obs.n_steps)


# --- the static family's model (registered in simulations.detectors.registry) ----------------


def from_rule(rule: ThresholdRule, p: StaticParams, step: float) -> StaticThreshold:
    """``critical`` is the Prometheus threshold, ``for`` the sustain window."""
    return StaticThreshold(
        rule.metric,
        rule.critical,
        rule.direction,
        for_minutes=p.for_minutes,
        evaluation_interval_minutes=step_up(p.evaluation_interval_minutes, step),
        scope=rule.scope,
        name=rule.name or rule.label(),
    )


def from_monitor(metric: str, mon: Monitor, step: float) -> StaticThreshold:
    """A Prometheus rule ``metric > critical for: for_minutes``, fleet scope."""
    return StaticThreshold(
        metric,
        mon.critical,
        mon.direction,
        for_minutes=mon.for_minutes,
        evaluation_interval_minutes=step_up(1.0, step),
        scope=mon.scope or "fleet",
    )


def single_sample(p: StaticParams, step: float) -> bool:
    """A static rule reads one sample at a time."""
    return True


def may_fire(
    rule: ThresholdRule, p: StaticParams, high: FloatArray, low: FloatArray, gaps: BoolArray
) -> BoolArray:
    """Rows whose extreme sample passes the bound."""
    return passes_critical(rule.direction, rule.critical, high, low)


def breaches_needed(p: StaticParams, step: float) -> int:
    """``for`` in evaluations, plus the one that starts it."""
    every = step_up(p.evaluation_interval_minutes, step)
    return math.ceil(p.for_minutes / every - 1e-9) + 1


FAMILY = Family(
    "static", StaticParams, False, from_rule, from_monitor, single_sample, may_fire, breaches_needed
)
