"""Figures and input loading the notebooks use, built in-process (the notebooks run them in a
kernel, where coverage does not see them)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.container import ErrorbarContainer

from planner.exceptions import PlanError
from planner.model import Plan
from simulations.exceptions import ReportError
from simulations.notebook import display, plots
from simulations.notebook.inputs import PlanInputs, load_plan
from simulations.notebook.plots.replay import distributions_figure, story_figure
from simulations.notebook.plots.trace import trace_figure
from simulations.notebook.plots.tuning import pareto_figure
from simulations.notebook.replay import ReplayInputs, pick_run, run_replay, run_story
from simulations.notebook.tuning import TuningInputs, load_labelled_trace, run_tuning
from simulations.tuning.sweep import TuneReport

TRACE = "data/sample/web-service-14d.csv"


def test_risk_bar_counts_files_per_level(plan: Plan) -> None:
    ax = plots.risk_bar(plan).axes[0]
    assert [p.get_width() for p in ax.patches] == [0, 0, 0, 1]  # ZERO, LOW, MEDIUM, HIGH
    assert ax.get_title() == "Overall risk HIGH, complexity 42"


def test_unscheduled_timeline_sums_the_waits(plan: Plan) -> None:
    # waits (min..max minutes): 0..0, 60..60, 120..240, 240..480, 1440..1440
    ax = plots.stage_timeline(plan).axes[0]
    assert ax.get_title() == "Stage timeline: 31 h to 37 h in total"
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Infrastructure",
        "Integration",
        "Canary",
        "Partial",
        "Full",
    ]


def test_scheduled_timeline_starts_in_the_first_allowed_window(
    plan_doc: dict[str, Any], tmp_path: Path
) -> None:
    # Tuesday 2026-12-01 10:00 New York is inside the sample calendar's Mon-Thu 10:00-16:00
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_doc), encoding="utf-8")
    scheduled = load_plan(
        PlanInputs(
            plan_path=str(path), calendar_path="data/sample/calendar.yaml", start="2026-12-01T10:00"
        )
    )
    assert scheduled.schedule[0].start == "2026-12-01T10:00-05:00"
    ax = plots.stage_timeline(scheduled).axes[0]
    title = ax.get_title()
    assert title.startswith("Scheduled rollout, ends ")
    # a reader's date and time, with the calendar's zone: not ISO's "T" and no bare local time
    assert re.search(r"ends \w{3} \d{4}-\d\d-\d\d \d\d:\d\d", title), title
    assert "T1" not in title and "UTC-05:00" in ax.get_xlabel()
    last = scheduled.schedule[-1]
    assert ("latest" in title) == (last.latest_end not in (None, last.end))
    assert len(ax.get_yticklabels()) == len(scheduled.schedule)


def test_load_plan_needs_a_source_and_valid_json(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"plan: give plan_path, repo \(a git range\)"):
        load_plan(PlanInputs())
    bad = tmp_path / "p.json"
    bad.write_text("{nope")
    with pytest.raises(PlanError, match=r"p.json:1: invalid JSON"):
        load_plan(PlanInputs(plan_path=str(bad)))
    with pytest.raises(PlanError, match=r"missing.json: cannot read"):
        load_plan(PlanInputs(plan_path=str(tmp_path / "missing.json")))


def test_load_plan_builds_the_sample_manifest() -> None:
    built = load_plan(PlanInputs(manifest_path="data/sample/change-manifest.yaml"))
    assert built.change.feature == "User authentication (JWT)"
    assert len(built.risk.files) == 12  # the manifest lists 12 files


def test_trace_figure_shades_every_incident_and_draws_the_threshold() -> None:
    trace = load_labelled_trace(TRACE)
    ax = trace_figure(trace, "error_ratio", 0.005).axes[0]
    spans = [p for p in ax.patches if p.get_label() != "threshold"]
    assert len(spans) == len(trace.incidents) > 0
    assert 0.005 in [line.get_ydata()[0] for line in ax.get_lines()]


@pytest.fixture(scope="module")
def tuned() -> TuneReport:
    return run_tuning(TuningInputs(TRACE, split_at="2026-03-09T00:00Z"))


def _bars(ax: Axes) -> dict[str, list[tuple[float, float, float]]]:
    """Per error-bar label: (low end, high end, height) of each horizontal bar drawn."""
    out: dict[str, list[tuple[float, float, float]]] = {}
    for c in ax.containers:
        if isinstance(c, ErrorbarContainer):
            _, _, (bars, *_) = c.lines
            segments = [np.asarray(seg) for seg in bars.get_segments()]
            out[str(c.get_label())] = [(g[0, 0], g[1, 0], g[0, 1]) for g in segments]
    return out


def test_pareto_figure_marks_the_recommendation(tuned: TuneReport) -> None:
    ax = pareto_figure(tuned).axes[0]
    labels = ax.get_legend_handles_labels()[1]
    n = round(tuned.train.results[0].score.effective_healthy_deploys, 1)
    named = {label.split(",")[0] for label in labels}
    assert {"Pareto front (tuned)", "recommended", "defaults people copy"} <= named
    assert f"every configuration tried ({len(tuned.cloud)}; point rates)" in labels
    assert f"recommended, 95 % CI, n = {n:g} independent healthy deploys" in labels


def test_pareto_figure_draws_each_false_rollback_rate_with_its_interval(
    tuned: TuneReport,
) -> None:
    # Read the bars back from the Axes: each spans the backtest's 95 % interval of the rate,
    # at the point's blast radius, and contains the rate.
    bars = _bars(pareto_figure(tuned).axes[0])
    by_name = {label.split(",")[0]: spans for label, spans in bars.items()}
    tuned_score = next(r.score for r in tuned.train.results if r.name == "tuned")
    ((low, high, y),) = by_name["recommended"]
    assert tuned_score.false_rollbacks_ci95 is not None
    assert (low, high) == pytest.approx(tuned_score.false_rollbacks_ci95)
    assert y == pytest.approx(tuned_score.blast_mean)
    front = sorted(
        (c.score for c in tuned.front),
        key=lambda s: (s.false_rollbacks_per_100 or 0.0, s.blast_mean or 0.0),
    )
    assert len(by_name["Pareto front (tuned)"]) == len(front) > 0
    for (lo, hi, height), s in zip(by_name["Pareto front (tuned)"], front, strict=True):
        assert s.false_rollbacks_ci95 is not None and s.false_rollbacks_per_100 is not None
        assert (lo, hi) == pytest.approx(s.false_rollbacks_ci95)
        assert lo <= s.false_rollbacks_per_100 <= hi and height == pytest.approx(s.blast_mean)
        assert hi > lo  # a real interval, not a zero-width bar
    defaults = [r.score for r in tuned.train.results if r.origin == "defaults"]
    drawn = by_name["defaults people copy"]
    cis = {tuple(round(v, 6) for v in s.false_rollbacks_ci95 or ()) for s in defaults}
    assert drawn and {(round(lo, 6), round(hi, 6)) for lo, hi, _ in drawn} <= cis


def test_replay_runs_on_a_real_hourly_series(plan: Plan) -> None:
    # the vendored Microsoft crash-rate series is hourly; the plan's monitors evaluate every
    # minute, which the replay rounds up to the trace's step (as `devops-planner simulate` does)
    real = "data/raw/ms/application-crash-rate-2/app2-01.begin-20180610.csv"
    setup, simulation = run_replay(plan, ReplayInputs(real, runs=10, seed=0))
    assert setup.step_minutes == 60
    assert len(simulation.runs) == 10


def test_replay_figures_show_one_run_and_each_onset_stage(plan: Plan) -> None:
    setup, simulation = run_replay(plan, ReplayInputs(TRACE, runs=30, seed=1))
    story = run_story(plan, setup, 1, pick_run(simulation), "error_ratio")
    assert story.threshold == 0.005  # the fixture plan's critical error rate
    fig = story_figure(story)
    assert len(fig.axes) == 2 and fig.axes[0].get_title().startswith(f"Run {story.run}:")
    stages = tuple(s.name for s in plan.stages)
    left = distributions_figure(simulation.runs, stages).axes[0]
    onset = [s for s in stages if (simulation.runs["onset_stage"] == s).any()]
    assert [t.get_text() for t in left.get_xticklabels()] == onset


def test_notebook_setup_shows_whole_cells(plan: Plan) -> None:
    display.setup()
    assert pd.get_option("display.max_colwidth") is None
    png = display.figure_png(plots.risk_bar(plan))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and np.frombuffer(png, np.uint8).size > 1000
