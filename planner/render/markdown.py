"""Render a :class:`Plan` as Markdown following the reference's section structure.

Commands go in fenced ``bash`` blocks whose fence is longer than any backtick run inside, and
step descriptions become ``#`` comments with line breaks removed, so a hostile file name cannot
end a block or a comment early. Every other string goes through the one escaping rule for plan
text (:mod:`planner.render.text`), shared with the notebook passages.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.model import LEVELS, Monitor, Plan, RollbackLevel, Stage, Step
from planner.plan.monitors import describe_threshold, fmt_value
from planner.render.text import code_span, fenced, plain_text, prose, single_line, table_cell

__all__ = ["render_markdown"]

_METRIC_NAMES = {
    "error_rate": "Error rate",
    "latency_p95": "Latency (p95)",
    "success_rate": "Success rate",
}
_LEVEL_TITLES = {1: "Feature Flag", 2: "Configuration Rollback", 3: "Code Rollback"}


def render_markdown(plan: Plan) -> str:
    """The plan as one Markdown document (ends with a newline)."""
    out: list[str] = []
    _header(plan, out)
    _risk(plan, out)
    _failures(plan, out)
    _deployment(plan, out)
    _rollback(plan, out)
    return "\n".join(out).rstrip("\n") + "\n"


def _bash(lines: Iterable[str], out: list[str]) -> None:
    out += [*fenced(list(lines), "bash"), ""]


def _steps(steps: Iterable[Step]) -> list[str]:
    lines: list[str] = []
    for step in steps:
        lines.append(f"# {single_line(step.action)}")
        if step.command:
            lines.append(step.command)
    return lines


def _header(plan: Plan, out: list[str]) -> None:
    c = plan.change
    title = c.feature or c.service or "change"
    out += [f"# Deployment and Rollback Plan: {plain_text(title)}", ""]
    files = plan.risk.files
    kinds = {
        k: sum(1 for f in files if f.change == k)
        for k in ("added", "modified", "deleted", "renamed")
    }
    counts = ", ".join(f"{n} {k}" for k, n in kinds.items() if n)
    out += ["## Context", ""]
    if c.source == "git":
        out.append(
            f"- Change: git range {code_span(f'{c.base}..{c.head}')} in "
            f"{code_span(c.repo or '.')}, {len(c.commits)} commit(s)"
        )
    else:
        out.append(f"- Change: manifest, {len(c.commits)} commit(s) listed")
    if c.service:
        out.append(f"- Service: {code_span(c.service)}")
    out.append(f"- {len(files)} files changed ({counts or 'none'})")
    out.append(f"- **{plan.risk.overall}-RISK** change, complexity score {plan.risk.complexity}")
    if plan.risk.complexity_explained:
        out.append(f"- {prose(plan.risk.complexity_explained)}")
    points = ", ".join(plain_text(p.replace("_", " ")) for p in c.integration_points)
    points = points or "none declared"
    out.append(f"- Integration points: {points}")
    flag = code_span(c.feature_flag) if c.feature_flag else "none (Level 1 rollback not available)"
    out += [f"- Feature flag: {flag}", f"- Thresholds: {plain_text(plan.thresholds_source)}", ""]


def _risk(plan: Plan, out: list[str]) -> None:
    out += ["## Risk Categorization", ""]
    for level in LEVELS:
        rated = [f for f in plan.risk.files if f.level == level]
        out += [f"**{level}-RISK Changes:**", ""]
        if not rated:
            out += ["- none", ""]
            continue
        for f in rated:
            renamed = f", from {code_span(f.old_path)}" if f.old_path else ""
            why = "; ".join(plain_text(r) for r in f.reasons) or "no rule matched"
            out.append(f"- {code_span(f.path)} ({f.change}{renamed}): {why}")
        out.append("")


def _failures(plan: Plan, out: list[str]) -> None:
    out += ["## Failure Modes", ""]
    if not plan.failure_modes:
        out += ["None identified: the change has no new runtime behaviour.", ""]
        return
    out += [
        "| Severity | Scenario | How it shows | Rollback trigger | Rollback still safe |",
        "|---|---|---|---|---|",
    ]
    for m in plan.failure_modes:
        scenario = f"*generic:* {m.scenario}" if m.generic else m.scenario
        cells = (scenario, m.detection or "-", m.trigger, m.rollback or "-")
        out.append(f"| {m.severity} | " + " | ".join(table_cell(c) for c in cells) + " |")
    out.append("")


def _deployment(plan: Plan, out: list[str]) -> None:
    out += ["## Deployment Strategy", "", "### Pre-Deployment Checklist", ""]
    out += [f"- [ ] {prose(item)}" for item in plan.checklist] + [""]
    if plan.windows:
        out += ["### Deployment Windows", ""]
        for k, v in plan.windows.items():
            out.append(f"**{plain_text(k.capitalize())}:** {prose(v)}  ")
        out.append("")
    _schedule(plan, out)
    for i, stage in enumerate(plan.stages, 1):
        _stage(i, stage, len(plan.stages), out)
    _matrix(plan, out)
    if plan.on_call:
        out += ["### On-Call Responsibilities", ""]
        for when, duties in plan.on_call.items():
            out += [f"**{prose(when)}:**", *(f"- {prose(d)}" for d in duties), ""]


def _schedule(plan: Plan, out: list[str]) -> None:
    if not plan.schedule:
        return
    out += ["### Schedule", ""]
    head = "| Stage | Start | End | Latest end | Held until | Reason |"
    out += [head, "|---|---|---|---|---|---|"]
    for s in plan.schedule:
        out.append(
            f"| {table_cell(s.stage)} | {s.start} | {s.end} | {s.latest_end or '-'} "
            f"| {s.held_until or '-'} | {table_cell(s.reason) or '-'} |"
        )
    out.append("")
    d = plan.expected_duration
    if d is not None:
        out += [
            f"**Expected duration:** from {d.start} to between {d.earliest_end} and "
            f"{d.latest_end} ({_duration(d.earliest_minutes)} to {_duration(d.latest_minutes)}, "
            "nights, weekends and holds included)",
            "",
        ]


def _duration(minutes: float) -> str:
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes / 60
        return f"{hours:g} hour" + ("s" if hours != 1 else "")
    return f"{minutes:g} minutes"


def _wait(stage: Stage, index: int, total: int) -> str:
    w = stage.wait_minutes
    if w.max == 0:
        after = f" (proceed immediately to Stage {index + 1})" if index < total else ""
        return f"0 hours{after}"
    if w.min == w.max:
        return _duration(w.min)
    if w.min >= 60 and w.min % 60 == 0 and w.max % 60 == 0:
        return f"{w.min / 60:g}-{w.max / 60:g} hours"
    return f"{w.min:g}-{w.max:g} minutes"


def _monitor_line(m: Monitor) -> str:
    name = _METRIC_NAMES.get(m.metric) or plain_text(m.metric)
    return (
        f"- {name}: baseline {fmt_value(m.baseline, m.unit)}, "
        f"target {describe_threshold(m, 'target')}, "
        f"warning {describe_threshold(m, 'warning')}, critical {describe_threshold(m, 'critical')} "
        f"(sustained {m.for_minutes:g} min"
        f"{f'; {m.scope} scope' if m.scope else ''}; thresholds: {plain_text(m.source)})"
    )


def _stage(index: int, stage: Stage, total: int, out: list[str]) -> None:
    out += [
        f"### Stage {index}: {stage.name} "
        f"({stage.risk}-RISK, {stage.exposure_percent:g}% exposure)",
        "",
    ]
    if stage.note:
        out += [f"> {prose(stage.note)}", ""]
    out += ["**Deploy:**", *(f"- {prose(d)}" for d in stage.deploy), ""]
    if stage.commands:
        out += ["**Command:**", ""]
        _bash(stage.commands, out)
    out += [f"**Wait:** {_wait(stage, index, total)}", ""]
    out.append("**Monitor:**")
    out += [_monitor_line(m) for m in stage.monitors] or [
        "- Deployment success; no runtime errors in logs"
    ]
    out += ["", "**Success Criteria:**", *(f"- {prose(c)}" for c in stage.success_criteria), ""]
    if stage.rollback_level is None:
        out += ["**Rollback:** Not needed (code not active)", ""]
    else:
        name = _LEVEL_TITLES.get(stage.rollback_level, "")
        out += [f"**Rollback:** Level {stage.rollback_level} ({name.lower()})", ""]


def _matrix(plan: Plan, out: list[str]) -> None:
    if not plan.decision_matrix:
        return
    names = [s.name for s in plan.stages]
    columns = list(dict.fromkeys(k for row in plan.decision_matrix for k in row.actions))
    heads = [f"Stage {names.index(c) + 1} ({c})" if c in names else c for c in columns]
    out += ["### Rollback Decision Matrix", "", f"| Condition | {' | '.join(heads)} | Action |"]
    out.append("|" + "---|" * (len(columns) + 2))
    for row in plan.decision_matrix:
        cells = " | ".join(table_cell(row.actions.get(c, "-")) for c in columns)
        out.append(f"| {table_cell(row.condition)} | {cells} | {table_cell(row.action)} |")
    out.append("")


def _rollback(plan: Plan, out: list[str]) -> None:
    rb = plan.rollback
    out += ["## Rollback Strategy", "", "### Rollback Triggers", "", "**Immediate Rollback:**"]
    out += [f"- {prose(t)}" for t in rb.triggers.immediate]
    out += [
        "",
        "**Evaluate Rollback (within 15 min):**",
        *(f"- {prose(t)}" for t in rb.triggers.evaluate),
        "",
    ]
    if rb.hazards:
        out += ["### Rollback Hazards (one-way effects)", ""]
        for h in rb.hazards:
            forward = " **Rolling forward is the safer fix.**" if h.roll_forward else ""
            out.append(
                f"- {prose(h.effect)}.{forward} Before rolling back: {prose(h.before_rollback)}."
            )
        out.append("")
    for level in rb.levels:
        _level(level, out)
        if level.level == 3:
            _files(plan, out)
            _database(plan, out)
    out += ["### Post-Rollback Actions", ""]
    out += [f"{i}. {prose(a)}" for i, a in enumerate(rb.post_rollback, 1)] + [""]


def _level(level: RollbackLevel, out: list[str]) -> None:
    title = _LEVEL_TITLES.get(level.level, level.name)
    out += [f"### Level {level.level}: {title} (< {level.target_minutes:g} min)", ""]
    if not level.applicable:
        out += [f"**Not applicable:** {prose(level.reason)}", ""]
        return
    if level.reason:
        out += [f"> {prose(level.reason)}", ""]
    out += ["**Procedure:**", ""]
    _bash(_steps(level.steps), out)
    if level.estimated_minutes is not None:
        warn = " **Over target.**" if level.over_target else ""
        out += [
            f"**Estimated Time:** {level.estimated_minutes:g} minutes "
            f"({prose(level.estimate_explained)}){warn}",
            "",
        ]


def _files(plan: Plan, out: list[str]) -> None:
    f = plan.rollback.files
    renamed = {r.path: r.old_path for r in plan.risk.files if r.old_path}
    out.append("**Files Reverted:**")
    for label, paths in (("DELETE", f.delete), ("RESTORE", f.restore), ("REVERT", f.revert)):
        shown = ", ".join(_with_origin(p, renamed.get(p)) for p in paths) or "none"
        out.append(f"- **{label}:** {shown}")
    out.append("")


def _with_origin(path: str, old: str | None) -> str:
    return f"{code_span(path)} (renamed from {code_span(old)})" if old else code_span(path)


def _database(plan: Plan, out: list[str]) -> None:
    db = plan.rollback.database
    if db is None:
        out += ["**Database Rollback:** not needed (no migration in this change)", ""]
        return
    target = f", target {code_span(db.target)}" if db.target else ""
    out += [f"**Database Rollback ({plain_text(db.label)}{target}, if needed):**", ""]
    out += [f"> {prose(w)}" for w in db.warnings]
    if db.warnings:
        out.append("")
    # the routine undo only: it keeps rows written since the deploy (no restore here)
    _bash(_steps(db.steps), out)
    for held in db.deferred:
        when = "a later release" if held.later_release else "after Full 100% + bake"
        out += [f"**Held-back migrations ({when}):** {prose(held.reason)}", ""]
        if held.commands:
            _bash(_steps(held.commands), out)
        if held.undo:
            out += ["Their own undo, once they have run:", ""]
            _bash(_steps(held.undo), out)
    recovery = db.recovery
    if recovery is not None:
        out += [
            "**Database recovery (disaster recovery, NOT part of Level 3):** "
            f"{prose(recovery.when)} "
            f"What it loses: {prose(recovery.loses)} "
            "Each step that writes asks for a typed confirmation.",
            "",
        ]
        _bash(_steps(recovery.steps), out)
