"""The report's verdict, its summary fields, the index trend of them, and the automatic split."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from simulations.exceptions import BacktestError, ReportError
from simulations.notebook.verdict import Holdout, holdout, report_verdict
from simulations.reporting.content.summary import parse_summary
from simulations.reporting.index import build_index_html, scan_reports
from simulations.sampling.intervals import wilson
from simulations.traces.model import CANONICAL_METRICS, Incident, Trace
from simulations.tuning.split import auto_split, split_at


@pytest.mark.parametrize(
    ("share", "n", "low", "high"),
    [
        # Wilson score intervals at 95 %: Newcombe (1998, Stat. Med. 17:857) gives 81/263 and
        # 0/10 (and so 10/10 by symmetry); 5/10 is the usual textbook case
        (0.0, 10, 0.0, 0.2775),  # 0/10
        (0.5, 10, 0.2366, 0.7634),  # 5/10
        (1.0, 10, 0.7225, 1.0),  # 10/10
        (81 / 263, 263, 0.2553, 0.3662),  # 81/263
    ],
)
def test_wilson_interval_matches_the_published_table(
    share: float, n: int, low: float, high: float
) -> None:
    got = wilson(share, n)  # the one Wilson interval (simulations.sampling.intervals)
    assert got == pytest.approx((low, high), abs=1e-4)


@pytest.mark.parametrize(("share", "n"), [(0.5, 0), (None, 5), (float("nan"), 5)])
def test_wilson_interval_has_none_without_a_rate_or_a_trial(share: float | None, n: int) -> None:
    assert wilson(share, n) is None


def _runs(per_incident: dict[str, list[bool]], healthy: int = 0, false: int = 0) -> pd.DataFrame:
    rows = []
    for incident, caught in per_incident.items():
        rows += [{"incident": incident, "detected": c, "false_rollback": False} for c in caught]
    rows += [
        {"incident": "", "detected": k < false, "false_rollback": k < false} for k in range(healthy)
    ]
    return pd.DataFrame(rows)


def _tuning(test_recall: float, test_fr: float, default_recall: float, budget: float = 1.0) -> Any:
    # the two fields of TuneReport the verdict reads, shaped as tuning.sweep writes them
    def result(name: str, origin: str, recall: float, fr: float) -> Any:
        score = SimpleNamespace(recall=recall, false_rollbacks_per_100=fr)
        return SimpleNamespace(name=name, origin=origin, score=score)

    test = SimpleNamespace(
        results=(
            result("tuned", "tuned", test_recall, test_fr),
            result("static", "defaults", default_recall, 0.0),
        )
    )
    return SimpleNamespace(test=test, budget=budget)


def test_detected_share_counts_incidents_not_runs_for_its_interval() -> None:
    # 6 incidents x 10 runs; half the incidents always caught: 30 of 60 runs
    runs = _runs({f"i{k}": [k < 3] * 10 for k in range(6)}, healthy=40)
    v = report_verdict(runs)
    assert v.detected_fraction == 0.5 and v.incidents == 6 and v.incident_runs == 60
    assert v.detected_ci95 == pytest.approx(wilson(0.5, 6))  # n = 6, not 60
    assert v.false_rollback_fraction == 0.0
    assert v.verdict == "review"  # 6 incidents cannot tell; not tested out of sample


def test_rules_that_miss_most_incidents_are_not_ready() -> None:
    runs = _runs({f"i{k}": [False] * 5 for k in range(20)})
    v = report_verdict(runs)
    assert v.verdict == "not ready"
    assert any("below the 80% target" in r for r in v.reasons)


def test_rules_that_catch_everything_and_hold_out_of_sample_are_ready() -> None:
    runs = _runs({f"i{k}": [True] * 5 for k in range(40)}, healthy=100)
    v = report_verdict(runs, _tuning(test_recall=1.0, test_fr=0.5, default_recall=0.8))
    assert v.holdout.holds is True
    assert v.verdict == "ready", v.reasons


def test_false_rollbacks_or_a_failed_holdout_block_readiness() -> None:
    runs = _runs({f"i{k}": [True] * 5 for k in range(40)}, healthy=100, false=20)
    assert report_verdict(runs).verdict == "not ready"  # 20 of 300 runs, more than 5 %
    good = _runs({f"i{k}": [True] * 5 for k in range(40)}, healthy=100)
    over_budget = report_verdict(good, _tuning(test_recall=1.0, test_fr=3.0, default_recall=0.5))
    assert over_budget.holdout.holds is False and over_budget.verdict == "not ready"
    worse = report_verdict(good, _tuning(test_recall=0.5, test_fr=0.0, default_recall=0.75))
    assert worse.holdout.holds is False  # the defaults catch more on the test part


def test_holdout_without_a_test_part_is_not_tested() -> None:
    assert holdout(SimpleNamespace(test=None, budget=1.0)) == Holdout(tested=False)  # type: ignore[arg-type]
    assert "not tested" in Holdout(tested=False).describe()


def test_summary_written_before_the_verdict_still_reads() -> None:
    old = {
        "feature": "f",
        "service": "s",
        "overall_risk": "LOW",
        "complexity": 1,
        "files": 1,
        "p95_blast_radius": None,
        "p95_time_to_rollback_minutes": None,
    }
    s = parse_summary(old)
    assert s.verdict is None and s.detected_fraction is None and s.history == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("verdict", "maybe", r"summary.verdict: 'maybe' is not one of ready, review, not ready"),
        ("detected_fraction_ci95", [0.7, 0.2], r"is not 0 <= low <= high <= 1"),
        ("detected_fraction_ci95", 0.5, r"expected \[low, high\] or null"),
        ("tuned_holds", "yes", r"summary.tuned_holds: expected true, false or null"),
    ],
)
def test_summary_rejects_a_bad_verdict_field(field: str, value: object, message: str) -> None:
    doc = {"feature": "f", "service": "s", "overall_risk": "LOW", "complexity": 1, "files": 1}
    with pytest.raises(ReportError, match=message):
        parse_summary({**doc, field: value})


def test_index_trends_and_lists_the_verdict_and_shares(tmp_path: Path) -> None:
    doc = {
        "feature": "f",
        "service": "s",
        "overall_risk": "HIGH",
        "complexity": 5,
        "files": 2,
        "p95_blast_radius": 10.0,
        "p95_time_to_rollback_minutes": 3.0,
        "verdict": "not ready",
        "detected_fraction": 0.24,
        "detected_fraction_ci95": [0.06, 0.63],
        "false_rollback_fraction": 0.015,
        "tuned_holds": False,
        "history": "sample",
    }
    for day in ("2026-01-05", "2026-01-06"):
        folder = tmp_path / f"{day}-svc"
        folder.mkdir()
        (folder / "summary.json").write_text(json.dumps(doc))
    page = build_index_html(scan_reports(tmp_path))
    assert page.count("<td>not ready</td>") == 2
    assert "24% <small>(6%-63%)</small>" in page and "<td>1.5%</td>" in page
    assert "(sample history)" in page
    assert "<th>incidents detected (95 % interval)</th>" in page
    assert page.count("data:image/png;base64,") == 1


def _trace(incidents: list[tuple[str, str]]) -> Trace:
    index = pd.date_range("2026-01-01", "2026-01-15", freq="1h", tz="UTC", inclusive="left")
    frame = pd.DataFrame({"error_ratio": 0.001}, index=index)
    return Trace(
        frame=frame,
        metrics=(CANONICAL_METRICS["error_ratio"],),
        step=pd.Timedelta("1h"),
        incidents=tuple(Incident(pd.Timestamp(a), pd.Timestamp(b)) for a, b in incidents),
    )


def test_auto_split_lies_between_the_middle_incidents_inside_the_trace() -> None:
    trace = _trace(
        [
            ("2026-01-02T10:00Z", "2026-01-02T11:00Z"),
            ("2026-01-04T10:00Z", "2026-01-04T12:00Z"),
            ("2026-01-09T00:00Z", "2026-01-09T01:00Z"),
            ("2026-01-12T00:00Z", "2026-01-12T01:00Z"),
        ]
    )
    at = auto_split(trace)
    # halfway between 01-04 12:00 and 01-09 00:00 is 01-06 18:00, a whole hour already
    assert at == pd.Timestamp("2026-01-06T18:00Z")
    train, test = split_at([trace], at)
    assert len(train[0].incidents) == 2 and len(test[0].incidents) == 2


def test_auto_split_gives_no_split_for_too_few_or_overlapping_incidents() -> None:
    assert auto_split(_trace([("2026-01-02T10:00Z", "2026-01-02T11:00Z")])) is None
    overlapping = _trace(
        [("2026-01-02T10:00Z", "2026-01-03T11:00Z"), ("2026-01-03T10:00Z", "2026-01-03T12:00Z")]
    )
    assert auto_split(overlapping) is None


def test_a_split_outside_the_trace_names_the_parameter_and_the_span() -> None:
    trace = _trace([])
    with pytest.raises(
        BacktestError,
        match=r"^split_at 2026-03-09T00:00:00\+00:00: not inside any trace \(.*"
        r"2026-01-01T00:00:00\+00:00\.\.2026-01-14T23:00:00\+00:00\)$",
    ):
        split_at([trace], pd.Timestamp("2026-03-09T00:00Z"), "split_at")


def test_story_exposure_drops_to_zero_from_the_restore_on() -> None:
    from support.paths import ROOT

    from planner.io import read_plan
    from simulations.notebook.replay import ReplayInputs, pick_run, run_replay, run_story

    plan = read_plan(str(ROOT / "tests" / "golden" / "sample-plan.json"))
    inputs = ReplayInputs(trace_path=str(ROOT / "data/sample/web-service-14d.csv"), runs=40)
    setup, simulation = run_replay(plan, inputs)
    story = run_story(plan, setup, 0, pick_run(simulation), "error_ratio")
    assert story.restored_minutes is not None and story.detected_minutes is not None
    after = story.frame[story.frame.index >= story.restored_minutes]
    before = story.frame[story.frame.index < story.detected_minutes]
    assert len(after) and (after["exposure_percent"] == 0).all()
    assert after["new"].isna().all()  # no traffic reaches the new version any more
    assert before["exposure_percent"].max() > 0
    # the restore is one of the run's events, at the same minute
    assert any(kind == "restored" and at == story.restored_minutes for at, kind, _ in story.events)


def test_schedule_note_compares_the_calendar_with_the_replayed_run_and_says_why() -> None:
    from support.paths import ROOT

    from simulations.notebook.inputs import PlanInputs, load_plan
    from simulations.notebook.markdown import schedule_note

    sample = ROOT / "data" / "sample"
    plan = load_plan(
        PlanInputs(
            manifest_path=str(sample / "change-manifest.yaml"),
            service_path=str(sample / "service.yaml"),
            calendar_path=str(sample / "calendar.yaml"),
            start="2026-12-07T10:00",
        )
    )
    stages = tuple((s.name, 60.0 * i, 60.0 * (i + 1)) for i, s in enumerate(plan.stages))
    note = schedule_note(plan, stages)
    for i, s in enumerate(plan.schedule):
        assert f"| `{s.stage}` | +" in note and f"| +{stages[i][1] / 60:.1f} h |" in note
    held = [s.stage for s in plan.schedule if s.held_until]
    assert held, "the sample calendar holds a stage for its window"
    assert f"The calendar holds `{held[0]}`" in note
    assert "and so does the replay" in note
    assert schedule_note(plan.__class__.from_dict({**plan.to_dict(), "schedule": []}), stages) == ""


def test_the_replay_keeps_the_calendars_holds() -> None:
    import dataclasses

    from support.paths import ROOT

    from simulations.notebook.inputs import PlanInputs, load_plan
    from simulations.replay.setup import calendar_holds, plan_stages

    sample = ROOT / "data" / "sample"
    inputs = PlanInputs(
        manifest_path=str(sample / "change-manifest.yaml"),
        service_path=str(sample / "service.yaml"),
        calendar_path=str(sample / "calendar.yaml"),
        start="2026-12-07T10:00",
    )
    plan = load_plan(inputs)
    unscheduled = dataclasses.replace(plan, schedule=())
    held = [i for i, s in enumerate(plan.schedule) if s.held_until]
    assert held and calendar_holds(unscheduled) == {}
    holds = calendar_holds(plan)
    assert sorted(holds) == [i - 1 for i in held]  # the stage before each held one
    for i, (spec, stage) in enumerate(zip(plan_stages(plan), plan.stages, strict=True)):
        if i in holds:
            # the calendar's gap: from this stage's start to the held stage's start
            gap = pd.Timestamp(plan.schedule[i + 1].start) - pd.Timestamp(plan.schedule[i].start)
            assert spec.wait_min == gap.total_seconds() / 60 >= stage.wait_minutes.min
        else:
            assert (spec.wait_min, spec.wait_max) == (
                stage.wait_minutes.min,
                stage.wait_minutes.max,
            )
