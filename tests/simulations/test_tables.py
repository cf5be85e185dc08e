"""Plan tables: one row per file, stage, monitor, rollback level; riskiest files first."""

from __future__ import annotations

import dataclasses

from planner.model import FileRisk, Plan, ScheduledStage
from simulations.notebook import tables
from simulations.replay.measure.summary import (
    BlastPercentiles,
    Percentiles,
    ReplaySummary,
    SummaryBlock,
)


def test_risk_table_puts_the_riskiest_files_first(plan: Plan) -> None:
    files = (
        FileRisk("docs/a.md", "added", "ZERO", ("docs",), added_lines=3),
        FileRisk("src/auth.py", "modified", "HIGH", ("auth",), added_lines=5, deleted_lines=2),
        FileRisk("b.py", "renamed", "MEDIUM", ("api",), old_path="a.py"),
    )
    plan = dataclasses.replace(plan, risk=dataclasses.replace(plan.risk, files=files))
    table = tables.risk_table(plan)
    assert list(table.index) == ["src/auth.py", "a.py -> b.py", "docs/a.md"]
    assert table.loc["src/auth.py", "lines"] == "+5/-2"
    assert tables.risk_counts(plan).to_dict() == {"ZERO": 1, "LOW": 0, "MEDIUM": 1, "HIGH": 1}


def test_stage_and_monitor_tables_follow_the_plan(plan: Plan) -> None:
    stages = tables.stage_table(plan)
    assert list(stages.index) == ["Infrastructure", "Integration", "Canary", "Partial", "Full"]
    assert list(stages["exposure %"]) == [0, 0, 10, 50, 100]
    monitors = tables.monitor_table(plan)
    assert list(monitors.index) == ["error_rate", "latency_p95", "success_rate"]
    assert monitors.loc["error_rate", "critical"] == "0.005"
    assert monitors.loc["error_rate", "from stage"] == "Integration"  # first stage watching it


def test_rollback_table_has_targets_and_estimates(plan: Plan) -> None:
    table = tables.rollback_table(plan)
    assert list(table.index) == [1, 2, 3]
    assert list(table["target (min)"]) == [5, 10, 15]
    assert list(table["estimated (min)"]) == [3, 8, 12]


def test_schedule_table_is_empty_without_a_schedule_and_shows_holds(plan: Plan) -> None:
    assert tables.schedule_table(plan).empty
    held = ScheduledStage(
        "Canary",
        "2026-01-05T10:00-05:00",
        "2026-01-05T12:00-05:00",
        held_until="2026-01-05T10:00-05:00",
        reason="held: weekend",
    )
    table = tables.schedule_table(dataclasses.replace(plan, schedule=(held,)))
    assert table.loc["Canary"].to_dict() == {
        "start (UTC-05:00)": "Mon 2026-01-05 10:00",
        "end (UTC-05:00)": "Mon 2026-01-05 12:00",
        "latest end (UTC-05:00)": "Mon 2026-01-05 12:00",
        "held": "held: weekend",
    }


def _block(detected: float | None, ttr: float | None, failed: float | None) -> SummaryBlock:
    minutes = Percentiles(ttr, ttr, ttr)
    requests = Percentiles(failed, failed, failed)
    return SummaryBlock(
        runs=59,
        detected_fraction=detected,
        false_rollback_fraction=0.0,
        time_to_detect_minutes=minutes,
        time_to_rollback_minutes=minutes,
        time_to_recover_minutes=minutes,
        blast_radius=BlastPercentiles(requests, requests, requests),
        runs_with_incident=59 if detected is not None else 0,
        distinct_incidents=3 if detected is not None else 0,
        detected_fraction_ci95=None if detected is None else (0.0123, 0.4567),
        effective_runs=7.26,
        false_rollback_fraction_ci95=(0.0, 0.3461),
    )


def test_replay_table_rounds_for_a_reader_and_marks_missing_values() -> None:
    summary = ReplaySummary(
        **vars(_block(0.101694, 14.7381, 2.117)),
        by_onset_stage=(("Canary", _block(None, None, None)),),
    )
    table = tables.replay_table(summary)
    assert list(table.index) == ["Canary", "all"]
    row = table.loc["all"]
    # a share of runs is a percentage with one decimal; minutes to 0.1; requests and users whole
    assert row["detected %"] == 10.2
    assert row["rollback p50 (min)"] == 14.7
    assert row["failed requests p50"] == 2
    assert row["users p95"] == 2
    # each rate beside its interval and the sample size it is judged on
    assert row["detected 95 % CI"] == "1-46" and row["incidents"] == 3
    assert row["incident runs"] == 59 and row["independent runs"] == 7.3
    assert row["false rollback 95 % CI"] == "0-35"
    canary = table.loc["Canary"]
    shown = ["runs", "incident runs", "incidents", "false rollback %"]
    shown += ["false rollback 95 % CI", "independent runs"]
    assert set(canary.drop(shown)) == {"-"}  # no incident, nothing to show
