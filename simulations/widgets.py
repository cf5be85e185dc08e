"""Sliders for exploring a rollback rule in JupyterLab; optional everywhere else.

:func:`static_rule_outcome` is the pure part: one static rule (threshold, sustain window) on a
labelled trace, replayed through a rollout whose canary exposure is given, scored by the
backtest. :func:`static_rule_sliders` wraps it in ipywidgets sliders (threshold, sustain
window, canary exposure) that redraw the figure and the score; it returns ``None`` when
ipywidgets is not installed, so a notebook runs the same under papermill without them.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.thresholds import Rule, RuleSet
from planner.thresholds_fields import StaticParams
from simulations.backtest import run_backtest
from simulations.deploys import ReplaySettings
from simulations.stage_exposure import DEFAULT_ROLLOUT, Rollout
from simulations.tables import backtest_table
from simulations.trace import Trace
from simulations.trace_plots import trace_figure

__all__ = ["static_rule_outcome", "static_rule_sliders"]


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
    rule = Rule(
        family="static",
        metric=metric,
        direction=info.direction,
        critical=threshold,
        warning=threshold,
        params=StaticParams(for_minutes=for_minutes),
    )
    stages = ((DEFAULT_ROLLOUT.stages[0][0], canary_percent, DEFAULT_ROLLOUT.stages[0][2]),)
    rollout = Rollout(stages + DEFAULT_ROLLOUT.stages[1:])
    report = run_backtest([(RuleSet("slider", (rule,)), "file")], [trace], ReplaySettings(rollout))
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

    style = {"description_width": "initial"}
    return ipywidgets.interactive(
        show,
        threshold=ipywidgets.FloatSlider(
            value=threshold,
            min=0.0,
            max=top,
            step=top / 200,
            readout_format=".4g",
            continuous_update=False,
            style=style,
        ),
        for_minutes=ipywidgets.FloatSlider(
            value=for_minutes,
            min=0,
            max=60,
            step=1,
            description="sustain (min)",
            continuous_update=False,
            style=style,
        ),
        canary_percent=ipywidgets.FloatSlider(
            value=10,
            min=1,
            max=100,
            step=1,
            description="canary exposure %",
            continuous_update=False,
            style=style,
        ),
    )
