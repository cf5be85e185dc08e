"""Sliders for exploring rollback rules and rollouts in JupyterLab; optional everywhere else.

:func:`static_rule_outcome` is the pure part: one static rule (threshold, sustain window) on a
labelled trace, replayed through a rollout whose canary exposure is given, scored by the
backtest. :func:`static_rule_sliders` wraps it in ipywidgets sliders (threshold, sustain
window, canary exposure) that redraw the figure and the score; it returns ``None`` when
ipywidgets is not installed, so a notebook runs the same under papermill without them.
:func:`replay_with` and :func:`replay_sliders` do the same for a rollout replay: canary exposure,
the monitored metric's critical threshold and its sustain window.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.model import Monitor, Plan
from planner.thresholds.apply import PLAN_METRIC
from planner.thresholds.families import StaticParams
from planner.thresholds.file import RuleSet, ThresholdRule
from simulations.backtest.deploys import DeploySampling
from simulations.backtest.exposure import DEFAULT_ROLLOUT, Rollout
from simulations.backtest.run import run_backtest
from simulations.detectors.from_plan import plan_monitor
from simulations.notebook.plots.replay import distributions_figure
from simulations.notebook.plots.trace import trace_figure
from simulations.notebook.replay import ReplayInputs, run_replay
from simulations.notebook.tables import backtest_table, replay_table
from simulations.traces.model import Trace

__all__ = ["replay_sliders", "replay_with", "static_rule_outcome", "static_rule_sliders"]


def static_rule_outcome(
    trace: Trace,
    metric: str,
    threshold: float,
    for_minutes: float,
    canary_percent: float = 10.0,
) -> tuple[Figure, pd.DataFrame]:
    """The trace with the threshold drawn, and the backtest row of ``metric`` beyond it.

    ``for_minutes`` is the sustain window (Prometheus ``for:``); ``canary_percent`` the first
    stage's exposure (0 to 100, exclusive of 0) of the default rollout.

    Raises:
        BacktestError: a bad exposure, or a trace with no labelled incident.
        TraceError: no such metric.
    """
    info = trace.metric(metric)
    rule = ThresholdRule(
        family="static",
        metric=metric,
        direction=info.direction,
        critical=threshold,
        warning=threshold,
        params=StaticParams(for_minutes=for_minutes),
    )
    stages = ((DEFAULT_ROLLOUT.stages[0][0], canary_percent, DEFAULT_ROLLOUT.stages[0][2]),)
    rollout = Rollout(stages + DEFAULT_ROLLOUT.stages[1:])
    report = run_backtest([(RuleSet("slider", (rule,)), "file")], [trace], DeploySampling(rollout))
    op = ">" if info.direction == "above" else "<"
    title = f"{metric} {op} {threshold:g} for {for_minutes:g} min"
    return trace_figure(trace, metric, threshold, title), backtest_table(report)


def static_rule_sliders(trace: Trace, metric: str, threshold: float, for_minutes: float) -> Any:
    """Sliders for :func:`static_rule_outcome`, starting at ``threshold`` and ``for_minutes``.

    Returns:
        An ``ipywidgets.interactive`` to display, or ``None`` without ipywidgets.
    """
    try:
        ipywidgets: Any = importlib.import_module("ipywidgets")
        display: Any = importlib.import_module("IPython.display").display
    except ImportError:
        return None
    values = trace.frame[metric].to_numpy(dtype=float)
    top = float(np.nanquantile(values, 0.999)) * 1.5 or 1.0

    def show(threshold: float, for_minutes: float, canary_percent: float) -> None:
        figure, table = static_rule_outcome(trace, metric, threshold, for_minutes, canary_percent)
        display(figure, table)

    sliders = _sliders(ipywidgets, 10, threshold, top, for_minutes, "threshold")
    return ipywidgets.interactive(show, **_ordered(sliders, "threshold", "for_minutes", "canary"))


def replay_with(
    plan: Plan,
    inputs: ReplayInputs,
    canary_percent: float,
    threshold: float,
    for_minutes: float,
) -> tuple[Figure, pd.DataFrame]:
    """The replay again with the canary exposure and the monitored metric's critical threshold
    and sustain window changed: distributions figure and per-stage table.

    ``canary_percent`` replaces the exposure of the plan's ``Canary`` stage (0 to 100);
    ``threshold`` the ``critical`` bound (a warning beyond it moves to it) and ``for_minutes``
    the sustain window of every monitor of ``inputs.metric``.

    Raises:
        PlanError: an exposure outside 0-100 or a negative window.
        ReplayError: as :func:`simulations.notebook.replay.run_replay`.
    """
    name = PLAN_METRIC.get(inputs.metric, inputs.metric)

    def monitor(m: Monitor) -> Monitor:
        if m.metric not in (name, inputs.metric):
            return m
        bound = min if m.direction == "above" else max
        warning = bound(m.warning, threshold)
        return replace(m, critical=threshold, warning=warning, for_minutes=for_minutes)

    stages = tuple(
        replace(
            s,
            exposure_percent=canary_percent if s.name == "Canary" else s.exposure_percent,
            monitors=tuple(monitor(m) for m in s.monitors),
        )
        for s in plan.stages
    )
    changed = replace(plan, stages=stages)
    _, simulation = run_replay(changed, inputs)
    order = tuple(s.name for s in changed.stages)
    return distributions_figure(simulation.runs, order), replay_table(simulation.summary)


def replay_sliders(plan: Plan, inputs: ReplayInputs) -> Any:
    """Sliders (canary exposure, threshold, sustain window) that re-run :func:`replay_with`.

    Returns:
        An ``ipywidgets.interactive`` to display, or ``None`` without ipywidgets.
    """
    try:
        ipywidgets: Any = importlib.import_module("ipywidgets")
        display: Any = importlib.import_module("IPython.display").display
    except ImportError:
        return None
    mon = plan_monitor(plan, inputs.metric)
    canary = next((s.exposure_percent for s in plan.stages if s.name == "Canary"), 10.0)
    top = max(mon.critical, mon.baseline) * 4 or 1.0

    def show(canary_percent: float, threshold: float, for_minutes: float) -> None:
        figure, table = replay_with(plan, inputs, canary_percent, threshold, for_minutes)
        display(figure, table)

    sliders = _sliders(
        ipywidgets, canary, mon.critical, top, mon.for_minutes, f"critical {mon.metric}"
    )
    return ipywidgets.interactive(show, **_ordered(sliders, "canary", "threshold", "for_minutes"))


def _sliders(
    ipywidgets: Any, canary: float, threshold: float, top: float, for_minutes: float, label: str
) -> dict[str, Any]:
    """The three sliders both views share: canary exposure, threshold (0 to ``top``), sustain."""
    common = {"continuous_update": False, "style": {"description_width": "initial"}}
    return {
        "canary_percent": ipywidgets.FloatSlider(
            value=canary, min=1, max=100, step=1, description="canary exposure %", **common
        ),
        "threshold": ipywidgets.FloatSlider(
            value=threshold,
            min=0.0,
            max=top,
            step=top / 200,
            readout_format=".4g",
            description=label,
            **common,
        ),
        "for_minutes": ipywidgets.FloatSlider(
            value=for_minutes, min=0, max=60, step=1, description="sustain (min)", **common
        ),
    }


def _ordered(sliders: dict[str, Any], *names: str) -> dict[str, Any]:
    """``sliders`` in display order (``canary`` stands for ``canary_percent``)."""
    keys = ["canary_percent" if n == "canary" else n for n in names]
    return {k: sliders[k] for k in keys}
