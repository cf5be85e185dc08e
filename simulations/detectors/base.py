"""The detector contract: what one detector sees (:class:`Observed`) and what it answers.

Time convention (every detector and the replay follow it): sample ``i`` covers the interval
``[i * step, (i + 1) * step)`` minutes from the start of the observation and becomes visible at
its end. An evaluation at time ``tau`` (a multiple of the step) sees samples ``0 .. tau/step - 1``.
``firing[..., i]`` is True when the detector calls for rollback at the end of sample ``i``, that is
at minute ``(i + 1) * step_minutes`` (:func:`alarm_minutes`).

Arrays are 1-D (steps) or 2-D (runs x steps); time is always the last axis, so one call judges
many replications at once (the replay and the threshold sweep rely on it). ``NaN`` is "no data".
``errors`` and ``requests`` are given only when ``value`` is ``errors / requests`` (an error
ratio); windowed detectors then aggregate the counts (``sum(errors) / sum(requests)``, as
``rate(errors[w]) / rate(requests[w])`` does) instead of averaging ratios.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from planner.exceptions import ThresholdsError
from simulations._types import BoolArray, Direction, FloatArray, Scope

__all__ = [
    "BoolArray",
    "Detector",
    "Direction",
    "Family",
    "FloatArray",
    "Observed",
    "Scope",
    "alarm_minutes",
    "breach",
    "first_alarm",
    "first_alarms",
    "hold",
    "latch",
    "passes_critical",
    "step_up",
    "steps_per",
    "window_value",
]


@dataclass(frozen=True)
class Observed:
    """What one detector sees, one sample per step (time on the last axis).

    Attributes:
        step_minutes: sample spacing in minutes (> 0).
        value: the monitored metric in this scope (error ratio, latency ms, ...); NaN = no data.
        requests: requests per step in scope (only with ``errors``).
        errors: failed requests per step in scope (only with ``requests``).
        baseline: the same metric of the stable version over the same steps.
    """

    step_minutes: float
    value: FloatArray
    requests: FloatArray | None = None
    errors: FloatArray | None = None
    baseline: FloatArray | None = None

    def __post_init__(self) -> None:
        if not self.step_minutes > 0:
            raise ThresholdsError(f"step_minutes(={self.step_minutes}) must be > 0")
        for name in ("requests", "errors", "baseline"):
            arr = getattr(self, name)
            if arr is not None and arr.shape != self.value.shape:
                raise ThresholdsError(
                    f"Observed.{name}: shape {arr.shape} != value shape {self.value.shape}"
                )
        if (self.requests is None) != (self.errors is None):
            raise ThresholdsError("Observed: give both requests and errors, or neither")

    @property
    def n_steps(self) -> int:
        """Number of samples on the time axis."""
        return int(self.value.shape[-1])


class Detector(Protocol):
    """A rollback detector: ``firing(obs)`` is True at each step where it calls for rollback."""

    @property
    def name(self) -> str: ...
    @property
    def metric(self) -> str: ...
    @property
    def scope(self) -> Scope: ...
    @property
    def direction(self) -> Direction: ...
    def firing(self, obs: Observed) -> BoolArray: ...


def first_alarm(det: Detector, obs: Observed) -> int | None:
    """Index of the first step where ``det`` fires on 1-D ``obs``, or None if it never does."""
    fired = det.firing(obs)
    if fired.ndim != 1:
        raise ThresholdsError(f"first_alarm: needs 1-D observations, got shape {fired.shape}")
    return int(np.argmax(fired)) if fired.any() else None


def first_alarms(det: Detector, obs: Observed) -> NDArray[np.int64]:
    """First firing step per row (time on the last axis); -1 where the detector never fires."""
    fired = det.firing(obs)
    idx = np.argmax(fired, axis=-1).astype(np.int64)
    return np.where(fired.any(axis=-1), idx, -1)


def alarm_minutes(index: int, step_minutes: float) -> float:
    """Minutes from the observation start at which an alarm at step ``index`` is raised."""
    return (index + 1) * step_minutes


def steps_per(minutes: float, step_minutes: float, field: str) -> int:
    """``minutes`` as a whole number (>= 1) of steps; raises if it is not a multiple of the step."""
    k = minutes / step_minutes
    if minutes <= 0 or abs(k - round(k)) > 1e-9:
        raise ThresholdsError(
            f"{field}: {minutes} min must be a positive multiple of the step {step_minutes} min"
        )
    return round(k)


def _rolling_sum(x: FloatArray, w: int) -> FloatArray:
    """Sum over the trailing ``w`` samples (fewer at the start), along the last axis."""
    if w == 1:
        return x
    cs = np.cumsum(x, axis=-1)
    out = cs.copy()
    out[..., w:] = cs[..., w:] - cs[..., :-w]
    return out


def window_value(obs: Observed, w: int) -> FloatArray:
    """The metric over the trailing ``w`` samples ending at each step (NaN with no data).

    With counts: ``sum(errors) / sum(requests)`` (NaN where no requests); otherwise the mean of
    the non-NaN values in the window.
    """
    if w == 1:  # the value itself (with counts it is errors / requests by the contract)
        return obs.value
    if obs.errors is not None and obs.requests is not None:
        e = np.where(np.isnan(obs.errors), 0.0, obs.errors)
        r = np.where(np.isnan(obs.requests), 0.0, obs.requests)
        se, sr = _rolling_sum(e, w), _rolling_sum(r, w)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(sr > 0, se / np.where(sr > 0, sr, 1.0), np.nan)
    valid = ~np.isnan(obs.value)
    s = _rolling_sum(np.where(valid, obs.value, 0.0), w)
    c = _rolling_sum(valid.astype(np.float64), w)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c > 0, s / np.where(c > 0, c, 1.0), np.nan)


def breach(values: FloatArray, threshold: float, direction: Direction) -> BoolArray:
    """``values > threshold`` (above) or ``values < threshold`` (below); NaN never breaches."""
    with np.errstate(invalid="ignore"):
        out = values > threshold if direction == "above" else values < threshold
    return np.asarray(out, dtype=np.bool_)


def latch(flags: BoolArray) -> BoolArray:
    """Once True, True for every later step (a decision that is not taken back)."""
    return np.logical_or.accumulate(flags, axis=-1)


def hold(at_evals: BoolArray, k: int, n_steps: int) -> BoolArray:
    """Spread per-evaluation states (one every ``k`` steps, the first at step ``k - 1``) to steps.

    Step ``i`` carries the state of the last evaluation at or before it; False before the first.
    """
    if k == 1 and at_evals.shape[-1] == n_steps:
        return at_evals
    if at_evals.shape[-1] == 0:
        return np.zeros((*at_evals.shape[:-1], n_steps), dtype=np.bool_)
    e = (np.arange(n_steps) + 1) // k - 1
    out = at_evals[..., np.clip(e, 0, None)]
    out[..., e < 0] = False
    return np.asarray(out, dtype=np.bool_)


def step_up(minutes: float, step: float) -> float:
    """``minutes`` rounded up to a whole number (>= 1) of steps, in minutes.

    A 1m Flagger interval on 5-minute data checks every 5 minutes: intervals and windows that
    are not a multiple of a trace's step are rounded up to one.
    """
    return max(1, math.ceil(minutes / step - 1e-9)) * step


@dataclass(frozen=True)
class Family:
    """One detector family's simulation model, keyed by its thresholds-file parameters.

    The family's spec (fields, defaults, parsing) is its parameters class in
    :mod:`planner.thresholds.families`; this record is the other half, defined at the bottom of
    the family's detector module and collected by :mod:`simulations.detectors.registry`.

    Attributes:
        name: the family's one spelling (``static``, ``argo``, ``flagger``, ``burn_rate``,
            ``baseline``), as thresholds files write it.
        params: its parameters class (``StaticParams`` ...).
        latched: True when a rollback engine's decision is final (Argo, Flagger, Kayenta-style
            comparisons): once failed, a rollout stays failed.
        from_rule: ``(rule, params, step_minutes) -> Detector`` for a thresholds-file rule.
        from_monitor: ``(metric, monitor, step_minutes) -> Detector`` for a plan monitor.
        single_sample: ``(params, step_minutes) -> bool``: the detector reads one sample at a
            time, so request and error counts add nothing (a faster path).
        may_fire: ``(rule, params, high, low, gaps) -> rows``: rows whose extreme samples can
            reach the bound at all (a cheap pre-filter; a window's value never passes the
            row's extreme sample).
        breaches_needed: ``(params, step_minutes) -> m``: the rule needs ``m`` samples beyond
            its bound to fire (distinct evaluations' windows do not overlap); 1 = no narrowing.
        fires_on_gaps: a missing sample is a failed measurement that can fire (Argo); such a
            family's bound for the pre-filters is ``warning`` (its ``successCondition``).
        block_minutes: ``params -> minutes | None``: the period when the rule evaluates once
            every period over exactly the last period and latches (its first failure is final),
            so the backtest may judge it on period-long blocks of samples; None otherwise.
    """

    name: str
    params: type[Any]
    latched: bool
    from_rule: Callable[..., Detector]
    from_monitor: Callable[[str, Any, float], Detector]
    single_sample: Callable[[Any, float], bool]
    may_fire: Callable[..., BoolArray]
    breaches_needed: Callable[[Any, float], int]
    fires_on_gaps: bool = False
    block_minutes: Callable[[Any], float | None] = lambda params: None  # never in blocks


def passes_critical(
    direction: str, critical: float, high: FloatArray, low: FloatArray
) -> BoolArray:
    """Rows whose extreme sample passes ``critical`` strictly (``>`` above, ``<`` below): a
    window's value is a mean of samples, so no row can breach beyond its extreme."""
    return np.asarray(high > critical if direction == "above" else low < critical)
