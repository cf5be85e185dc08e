"""Short Markdown passages about a plan, for notebook and report sections.

Pure functions returning Markdown text; notebooks show them with ``IPython.display.Markdown``.
Text that comes from the change (names, paths, reasons, commands) can be hostile: it is escaped
by the one rule for plan text, :mod:`planner.render.text`, the same as in plan.md (names as
plain text or code spans, the planner's sentences with their code spans kept and no raw HTML,
commands in fenced blocks whose fence is longer than any backtick run inside).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from planner.model import Plan, RollbackLevel
from planner.render.text import code_span, fenced, plain_text, prose
from planner.thresholds.file import Thresholds, dump_thresholds

__all__ = [
    "change_markdown",
    "events_markdown",
    "failure_modes_markdown",
    "rollback_markdown",
    "schedule_note",
    "thresholds_markdown",
    "triggers_markdown",
]


def _fenced(text: str, language: str = "sh") -> str:
    return "\n".join(fenced(text.split("\n"), language))


def change_markdown(plan: Plan) -> str:
    """What is shipped: feature, service, flag, source (git range or manifest), commits."""
    c = plan.change
    lines = [
        f"- **Feature**: {plain_text(c.feature) or '(unnamed)'}",
        f"- **Service**: {code_span(c.service) if c.service else '-'}",
        f"- **Feature flag**: {code_span(c.feature_flag) if c.feature_flag else 'none'}",
        f"- **Integration points**: {plain_text(', '.join(c.integration_points)) or 'none'}",
    ]
    if c.source == "git":
        lines.append(
            f"- **Git range**: {code_span(c.base or '?')}..{code_span(c.head or '?')}"
            f" in {code_span(c.repo or '.')}"
        )
    else:
        lines.append("- **Source**: change manifest")
    for commit in c.commits:
        lines.append(f"  - {code_span(commit.sha[:10])} {plain_text(commit.subject)}")
    lines.append(f"- **Thresholds**: {plain_text(plan.thresholds_source)}")
    if plan.expected_duration is not None:
        d = plan.expected_duration
        hours = f"{d.earliest_minutes / 60:.1f}"
        ends = d.earliest_end[:16]
        if d.latest_minutes != d.earliest_minutes:
            hours += f" to {d.latest_minutes / 60:.1f}"
            ends += f" to {d.latest_end[:16]}"
        lines.append(f"- **Expected duration**: {hours} hours, from {d.start[:16]}, ends {ends}")
    return "\n".join(lines)


def failure_modes_markdown(plan: Plan) -> str:
    """A bullet per failure mode: severity, scenario and the rollback trigger it becomes."""
    if not plan.failure_modes:
        return "No failure modes identified."
    return "\n".join(
        f"- **{fm.severity}**: {prose(fm.scenario)} → {prose(fm.trigger)}"
        for fm in plan.failure_modes
    )


def triggers_markdown(plan: Plan) -> str:
    """Rollback triggers: immediate ones and those to evaluate within 15 minutes."""
    t = plan.rollback.triggers
    parts = ["**Roll back immediately when:**", *(f"- {prose(x)}" for x in t.immediate or ("-",))]
    parts += ["", "**Evaluate within 15 minutes when:**"]
    parts += [f"- {prose(x)}" for x in t.evaluate or ("-",)]
    return "\n".join(parts)


def _level(lv: RollbackLevel) -> list[str]:
    head = f"### Level {lv.level}: {plain_text(lv.name)} (target < {lv.target_minutes:g} min)"
    if not lv.applicable:
        return [head, "", f"Not applicable: {prose(lv.reason)}", ""]
    estimate = "not estimated"
    if lv.estimated_minutes is not None:
        estimate = f"**Estimated {lv.estimated_minutes:g} min**"
        if lv.estimate_explained:
            estimate += f": {prose(lv.estimate_explained)}"
        if lv.over_target:
            estimate += " — **over its target**"
    lines = [head, "", estimate, ""]
    for i, step in enumerate(lv.steps, start=1):
        lines.append(f"{i}. {prose(step.action)}")
        if step.command:
            lines += ["", *("   " + row for row in _fenced(step.command).splitlines())]
    return [*lines, ""]


def rollback_markdown(plan: Plan) -> str:
    """The three rollback levels with numbered steps and commands, files and database notes."""
    lines: list[str] = []
    for lv in plan.rollback.levels:
        lines += _level(lv)
    files = plan.rollback.files
    lines.append("### Files to roll back (Level 3)")
    for label, paths in (("DELETE", files.delete), ("RESTORE", files.restore)):
        if paths:
            lines.append(f"- {label}: {', '.join(code_span(p) for p in paths)}")
    if files.revert:
        lines.append(f"- REVERT: {', '.join(code_span(p) for p in files.revert)}")
    db = plan.rollback.database
    if db is not None:
        lines += ["", f"**Database** ({plain_text(db.label)}):"]
        lines += [f"- ⚠ {prose(w)}" for w in db.warnings] or ["- no destructive migration"]
    if plan.rollback.post_rollback:
        lines += ["", "**After a rollback:**"]
        lines += [f"- {prose(x)}" for x in plan.rollback.post_rollback]
    return "\n".join(lines)


def thresholds_markdown(thresholds: Thresholds, header: str = "") -> str:
    """A thresholds file (YAML) in a fenced block, ready to save and pass to ``plan``."""
    return _fenced(dump_thresholds(thresholds, header).rstrip("\n"), "yaml")


def events_markdown(events: Sequence[tuple[float, str, str]]) -> str:
    """A replay's event log as a list: minutes from the deploy start, event, detail."""
    if not events:
        return "No events."
    return "\n".join(
        f"- **{t:,.1f} min** {plain_text(kind)} {plain_text(detail)}" for t, kind, detail in events
    )


def schedule_note(plan: Plan, stages: Sequence[tuple[str, float, float]]) -> str:
    """How the replayed run's stage starts (``(name, start, end)`` minutes from the deploy
    start) compare with the calendar's, and why they differ; ``""`` without a schedule."""
    if not plan.schedule:
        return ""
    origin = datetime.fromisoformat(plan.schedule[0].start)
    replayed = {name: start for name, start, _ in stages}
    rows, held = [], []
    for s in plan.schedule:
        at = (datetime.fromisoformat(s.start) - origin).total_seconds() / 3600
        run = replayed.get(s.stage)
        run_text = "-" if run is None else f"+{run / 60:.1f} h"
        rows.append(f"| {code_span(s.stage)} | +{at:.1f} h | {run_text} |")
        if s.held_until:
            reason = prose(s.reason or "outside the allowed windows")
            held.append(f"{code_span(s.stage)} ({reason})")
    if held:
        why = (
            "The calendar holds " + ", ".join(held) + " for a deployment window, and so does the "
            "replay: the wait before a held stage is at least the calendar's gap. Otherwise the "
            "calendar places each stage at the end of its minimum wait, while the replay draws "
            "each wait from the plan's range"
        )
    else:
        why = (
            "The calendar places each stage at the end of its minimum wait; the replay draws "
            "each wait from the plan's range"
        )
    return "\n".join(
        [
            "| stage | calendar start | this replayed run |",
            "|---|---|---|",
            *rows,
            "",
            f"{why}, so a replayed run may start a stage later than the calendar. A wait drawn "
            "past a window is assumed to find one open (the calendar would wait for the next).",
        ]
    )
