"""Tables of a plan for notebooks and reports: pandas DataFrames with readable column names.

Pure functions of a :class:`planner.model.Plan`; the notebooks display them, the report's HTML
renders them as tables. Durations are minutes, exposure a percentage (0 to 100).
"""

from __future__ import annotations

import pandas as pd

from planner.model import LEVELS, Plan

__all__ = [
    "monitor_table",
    "risk_counts",
    "risk_table",
    "rollback_table",
    "schedule_table",
    "stage_table",
]


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
                    "baseline": m.baseline,
                    "target": m.target,
                    "warning": m.warning,
                    "critical": m.critical,
                    "sustained (min)": m.for_minutes,
                    "from stage": s.name,
                    "source": m.source,
                },
            )
    columns = ["metric", "unit", "worse when", "baseline", "target", "warning", "critical"]
    columns += ["sustained (min)", "from stage", "source"]
    return pd.DataFrame(list(seen.values()), columns=columns).set_index("metric")


def rollback_table(plan: Plan) -> pd.DataFrame:
    """One row per rollback level: target and estimated minutes, and its commands in order."""
    rows = []
    for lv in plan.rollback.levels:
        commands = [s.command for s in lv.steps if s.command]
        rows.append(
            {
                "level": lv.level,
                "name": lv.name,
                "applicable": "yes" if lv.applicable else f"no: {lv.reason}".rstrip(": "),
                "target (min)": lv.target_minutes,
                "estimated (min)": lv.estimated_minutes,
                "over target": "YES" if lv.over_target else "",
                "commands": "\n".join(commands) or "-",
            }
        )
    columns = ["level", "name", "applicable", "target (min)", "estimated (min)", "over target"]
    return pd.DataFrame(rows, columns=[*columns, "commands"]).set_index("level")


def schedule_table(plan: Plan) -> pd.DataFrame:
    """The calendar schedule: each stage's earliest start and end, latest end, and any hold.

    Empty (no rows) when the plan was not scheduled. Times are ISO 8601 with offsets, to the
    minute.
    """
    rows = [
        {
            "stage": s.stage,
            "start": s.start[:16],
            "end": s.end[:16],
            "latest end": (s.latest_end or s.end)[:16],
            "held": s.reason if s.held_until else "",
        }
        for s in plan.schedule
    ]
    columns = ["stage", "start", "end", "latest end", "held"]
    return pd.DataFrame(rows, columns=columns).set_index("stage")
