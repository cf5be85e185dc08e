"""Slider callbacks: the pure re-computations behind the notebooks' sliders."""

from __future__ import annotations

import pytest
from support.paths import PLAN_FIXTURE

from planner.exceptions import PlanError
from simulations.notebook.inputs import PlanInputs, load_plan
from simulations.notebook.replay import ReplayInputs
from simulations.notebook.tuning import load_labelled_trace
from simulations.notebook.widgets import (
    replay_sliders,
    replay_with,
    static_rule_outcome,
    static_rule_sliders,
)

TRACE = "data/sample/web-service-14d.csv"
PLAN = PlanInputs(plan_path=str(PLAN_FIXTURE))


def test_a_threshold_no_sample_reaches_catches_nothing() -> None:
    trace = load_labelled_trace(TRACE)
    top = float(trace.frame["error_ratio"].max())
    _, low = static_rule_outcome(trace, "error_ratio", 0.005, 10)
    figure, never = static_rule_outcome(trace, "error_ratio", top * 2, 0)
    assert never.loc["slider", "recall"] == 0
    assert never.loc["slider", "false alarms"] == 0
    assert low.loc["slider", "recall"] > 0  # the sample incidents peak at several percent
    assert figure.axes[0].get_title() == f"error_ratio > {top * 2:g} for 0 min"


def test_replay_with_an_unreachable_threshold_never_rolls_back() -> None:
    plan = load_plan(PLAN)
    inputs = ReplayInputs(TRACE, runs=40, seed=3)
    _, table = replay_with(plan, inputs, canary_percent=10, threshold=10.0, for_minutes=0)
    assert table.loc["all", "runs"] == 40
    assert table.loc["all", "detected %"] == 0


def test_replay_with_rejects_an_exposure_outside_0_100() -> None:
    plan = load_plan(PLAN)
    with pytest.raises(PlanError, match=r"stages\[Canary\].exposure_percent: 120 is outside"):
        replay_with(plan, ReplayInputs(TRACE, runs=5), 120, 0.005, 10)


def test_sliders_are_ipywidgets() -> None:
    ipywidgets = pytest.importorskip("ipywidgets")
    trace = load_labelled_trace(TRACE)
    assert isinstance(static_rule_sliders(trace, "error_ratio", 0.005, 10), ipywidgets.interactive)
    sliders = replay_sliders(load_plan(PLAN), ReplayInputs(TRACE, runs=5))
    assert isinstance(sliders, ipywidgets.interactive)
    names = [getattr(w, "description", "") for w in sliders.children]
    assert names[:3] == ["canary exposure %", "critical error_rate", "sustain (min)"]
