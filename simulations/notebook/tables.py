"""Tables of a plan and of a tuning run for notebooks and reports, with readable column names.

Pure functions of a :class:`planner.model.Plan`; the notebooks display them, the report's HTML
renders them as tables. Durations are minutes, exposure a percentage (0 to 100).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from planner.model import LEVELS, Plan

if TYPE_CHECKING:
    from simulations.backtest.run import BacktestReport
    from simulations.notebook.verdict import Verdict
    from simulations.replay.measure.summary import ReplaySummary, SummaryBlock
    from simulations.tuning.sweep import TuneReport

__all__ = [
    "backtest_table",
    "clock_time",
    "front_table",
    "monitor_table",
    "recommended_vs_defaults",
    "replay_table",
    "risk_counts",
    "risk_table",
    "rollback_table",
    "schedule_table",
    "stage_table",
    "verdict_table",
    "zone_name",
]


MISSING = "-"
"""Shown where a value does not exist (nothing detected, no incident in that stage)."""


def _num(value: float | None, digits: int) -> float | int | str:
    """``value`` rounded to ``digits`` decimals (0: a whole number); :data:`MISSING` for none."""
    if value is None or math.isnan(value):
        return MISSING
    return round(value) if digits == 0 else round(value, digits)


def _percent(share: float | None, digits: int) -> float | int | str:
    """A share (0 to 1) as a percentage rounded to ``digits``; :data:`MISSING` for none."""
    return _num(None if share is None else 100 * share, digits)


def _percent_interval(ci: tuple[float, float] | None, digits: int) -> str:
    """A 95 % interval of a share as ``"low-high"`` percent; :data:`MISSING` for none."""
    if ci is None:
        return MISSING
    return f"{100 * ci[0]:.{digits}f}-{100 * ci[1]:.{digits}f}"


def _readable(value: float) -> str:
    """A threshold as people write it: ``0.0005``, ``150``, ``0.999`` (no padding zeros)."""
    return f"{value:g}"


def clock_time(moment: str) -> str:
    """``Wed 2026-12-02 10:00``: a schedule time as a reader writes it (the zone is on the axis)."""
    return datetime.fromisoformat(moment).strftime("%a %Y-%m-%d %H:%M")


def zone_name(moment: datetime) -> str:
    """``UTC-05:00``: the UTC offset of a schedule time (``UTC`` for naive or zero offset)."""
    offset = moment.utcoffset()
    if not offset:
        return "UTC"
    return "UTC" + moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]


def risk_table(plan: Plan) -> pd.DataFrame:
    """One row per changed file, riskiest first: path, change, level and the reasons."""
    rank = {level: i for i, level in enumerate(LEVELS)}
    rows = [
        {
            "file": f.path if f.old_path is None else f"{f.old_path} -> {f.path}",
            "change": f.change,
            "risk": f.level,
            "lines": f"+{f.added_lines}/-{f.deleted_lines}",
            "reasons": "; ".join(f.reasons),
        }
        for f in sorted(plan.risk.files, key=lambda f: (-rank[f.level], f.path))
    ]
    columns = ["file", "change", "risk", "lines", "reasons"]
    return pd.DataFrame(rows, columns=columns).set_index("file")


def risk_counts(plan: Plan) -> pd.Series:
    """How many files are at each risk level, ZERO to HIGH (levels with no file count 0)."""
    counts = {level: 0 for level in LEVELS}
    for f in plan.risk.files:
        counts[f.level] += 1
    return pd.Series(counts, name="files")


def stage_table(plan: Plan) -> pd.DataFrame:
    """One row per rollout stage: risk, exposure (%), wait (min..max minutes), rollback level."""
    rows = [
        {
            "stage": s.name,
            "risk": s.risk,
            "exposure %": s.exposure_percent,
            "wait min (min)": s.wait_minutes.min,
            "wait max (min)": s.wait_minutes.max,
            "monitors": ", ".join(m.metric for m in s.monitors) or "-",
            "rollback level": "-" if s.rollback_level is None else str(s.rollback_level),
            "note": s.note,
        }
        for s in plan.stages
    ]
    return pd.DataFrame(rows).set_index("stage")


def monitor_table(plan: Plan) -> pd.DataFrame:
    """Every distinct monitor of the plan (first stage that uses it) with its thresholds."""
    seen: dict[str, dict[str, object]] = {}
    for s in plan.stages:
        for m in s.monitors:
            seen.setdefault(
                m.metric,
                {
                    "metric": m.metric,
                    "unit": m.unit,
                    "worse when": m.direction,
                    "baseline": _readable(m.baseline),
                    "target": _readable(m.target),
                    "warning": _readable(m.warning),
                    "critical": _readable(m.critical),
                    "sustained (min)": m.for_minutes,
                    "from stage": s.name,
                    "source": m.source,
                },
            )
    columns = ["metric", "unit", "worse when", "baseline", "target", "warning", "critical"]
    columns += ["sustained (min)", "from stage", "source"]
    return pd.DataFrame(list(seen.values()), columns=columns).set_index("metric")


def rollback_table(plan: Plan) -> pd.DataFrame:
    """One row per rollback level: target and estimated minutes, number of steps.

    The steps and their commands are in :func:`simulations.notebook.markdown.rollback_markdown`.
    """
    rows = []
    for lv in plan.rollback.levels:
        rows.append(
            {
                "level": lv.level,
                "name": lv.name,
                "applicable": "yes" if lv.applicable else f"no: {lv.reason}".rstrip(": "),
                "target (min)": lv.target_minutes,
                "estimated (min)": lv.estimated_minutes,
                "over target": "YES" if lv.over_target else "",
                "steps": len(lv.steps),
            }
        )
    columns = ["level", "name", "applicable", "target (min)", "estimated (min)", "over target"]
    return pd.DataFrame(rows, columns=[*columns, "steps"]).set_index("level")


def schedule_table(plan: Plan) -> pd.DataFrame:
    """The calendar schedule: each stage's earliest start and end, latest end, and any hold.

    Empty (no rows) when the plan was not scheduled. Times are the calendar's, to the minute,
    with the weekday (``Mon 2026-01-05 10:00``); the column headers name the UTC offset.
    """
    zone = zone_name(datetime.fromisoformat(plan.schedule[0].start)) if plan.schedule else ""
    start, end, latest = (f"{c} ({zone})" if zone else c for c in ("start", "end", "latest end"))
    rows = [
        {
            "stage": s.stage,
            start: clock_time(s.start),
            end: clock_time(s.end),
            latest: clock_time(s.latest_end or s.end),
            "held": s.reason if s.held_until else "",
        }
        for s in plan.schedule
    ]
    columns = ["stage", start, end, latest, "held"]
    return pd.DataFrame(rows, columns=columns).set_index("stage")


def backtest_table(report: BacktestReport) -> pd.DataFrame:
    """One row per rule set: recall, precision, detection, false rollbacks, blast radius.

    Detection and reset are minutes; false rollbacks per 100 healthy deploys; blast radius in
    exposure-minutes (the backtest's unit). ``origin`` is ``defaults`` for the rule sets people
    copy, measured on the same data.
    """
    rows = []
    for r in report.results:
        s = r.score
        rows.append(
            {
                "rule set": r.name,
                "origin": r.origin,
                "recall": s.recall,
                "precision": s.precision,
                "detect p50 (min)": s.detection_p50,
                "detect p95 (min)": s.detection_p95,
                "false rollbacks /100": s.false_rollbacks_per_100,
                "blast p95": s.blast_p95,
                "missed": len(r.missed),
                "false alarms": len(r.false_alarms),
                "rules": "; ".join(r.rules),
            }
        )
    return pd.DataFrame(rows).set_index("rule set")


def front_table(report: TuneReport) -> pd.DataFrame:
    """The Pareto front of the tuning search (training data), least false rollbacks first."""
    rows = [
        {
            "false rollbacks /100": c.score.false_rollbacks_per_100,
            "blast mean": c.score.blast_mean,
            "blast p95": c.score.blast_p95,
            "recall": c.score.recall,
            "precision": c.score.precision,
            "rules": "; ".join(r.label() for r in c.rule_set.rules),
        }
        for c in report.front
    ]
    return pd.DataFrame(rows)


def recommended_vs_defaults(report: TuneReport) -> pd.DataFrame:
    """The recommended rule set beside the defaults, on training and (when split) test data.

    Recall in whole percent, false rollbacks, blast radius and detection minutes to one decimal;
    :data:`MISSING` for the detection of a rule set that caught nothing."""
    parts = {"train": report.train, "test": report.test}
    rows = []
    for part, backtest in parts.items():
        if backtest is None:
            continue
        for r in backtest.results:
            if r.name != "tuned" and r.origin != "defaults":
                continue
            rows.append(
                {
                    "data": part,
                    "rule set": "recommended" if r.name == "tuned" else r.name,
                    "recall %": _percent(r.score.recall, 0),
                    "false rollbacks /100": _num(r.score.false_rollbacks_per_100, 1),
                    "blast p95 (exposure-min)": _num(r.score.blast_p95, 1),
                    "detect p50 (min)": _num(r.score.detection_p50, 1),
                    "rules": "; ".join(r.rules),
                }
            )
    return pd.DataFrame(rows).set_index(["data", "rule set"])


def replay_table(summary: ReplaySummary) -> pd.DataFrame:
    """One row per onset stage (then ``all``) of a replay summary: detection and false rollbacks
    with their 95 % intervals and sample sizes, and the p50/p95/p99 of time to roll back
    (minutes) and blast radius (failed requests, users).

    The detected share is judged on the distinct incidents the runs replay, the false-rollback
    share on the independent runs' worth of trace they cover (see
    :mod:`simulations.replay.measure.summary`). Rounded for a reader: shares in percent and
    minutes to one decimal, requests and users whole; :data:`MISSING` where no run qualifies."""
    blocks: list[tuple[str, SummaryBlock]] = [*summary.by_onset_stage, ("all", summary)]
    rows = []
    for stage, b in blocks:
        ttr, failed = b.time_to_rollback_minutes, b.blast_radius.failed_requests
        rows.append(
            {
                "onset stage": stage,
                "runs": b.runs,
                "detected %": _percent(b.detected_fraction, 1),
                "detected 95 % CI": _percent_interval(b.detected_fraction_ci95, 0),
                "incident runs": b.runs_with_incident,
                "incidents": b.distinct_incidents,
                "false rollback %": _percent(b.false_rollback_fraction, 1),
                "false rollback 95 % CI": _percent_interval(b.false_rollback_fraction_ci95, 0),
                "independent runs": _num(b.effective_runs, 1),
                "detect p50 (min)": _num(b.time_to_detect_minutes.p50, 1),
                "rollback p50 (min)": _num(ttr.p50, 1),
                "rollback p95 (min)": _num(ttr.p95, 1),
                "failed requests p50": _num(failed.p50, 0),
                "failed requests p95": _num(failed.p95, 0),
                "failed requests p99": _num(failed.p99, 0),
                "users p95": _num(b.blast_radius.users.p95, 0),
            }
        )
    return pd.DataFrame(rows).set_index("onset stage")


def verdict_table(plan: Plan, replay: ReplaySummary, verdict: Verdict) -> pd.DataFrame:
    """The report's opening table: one row per question a change board asks, answered in words
    with the sample size (``replay`` is the replay summary document)."""
    k, n = verdict.incidents, verdict.incident_runs
    if verdict.detected_fraction is None or verdict.detected_ci95 is None:
        detected = "not measured: no labelled incident was replayed"
    else:
        low, high = verdict.detected_ci95
        detected = (
            f"{verdict.detected_fraction:.0%} of {n} incident runs (95 % interval {low:.0%} to "
            f"{high:.0%} over {k} incidents)"
        )
    fr = verdict.false_rollback_fraction
    false = (
        MISSING if fr is None else f"{fr:.1%} of {verdict.runs} runs rolled back a healthy deploy"
    )
    blast = replay.blast_radius.failed_requests.p95
    ttr = replay.time_to_rollback_minutes.p95
    rows = {
        "verdict": f"{verdict.verdict.upper()}: "
        + ("; ".join(verdict.reasons) or "all targets met"),
        "overall risk": f"{plan.risk.overall} (complexity {plan.risk.complexity}, "
        f"{len(plan.risk.files)} files)",
        "past incidents detected": detected,
        "false rollbacks": false,
        "p95 blast radius": MISSING
        if blast is None
        else f"{blast:,.0f} failed requests (runs with an incident)",
        "p95 time to roll back": MISSING
        if ttr is None
        else f"{ttr:.1f} minutes, detection to traffic restored (detected runs)",
        "tuned thresholds hold out of sample": verdict.holdout.describe(),
    }
    frame = pd.DataFrame({"answer": list(rows.values())}, index=list(rows))
    frame.index.name = "question"
    return frame
