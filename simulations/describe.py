"""Short Markdown passages about a plan, for notebook and report sections.

Pure functions returning Markdown text; notebooks show them with ``IPython.display.Markdown``.
Values that come from the change (names, paths, commands) are put in code spans with any
backtick removed, so a hostile file name cannot change the page's structure.
"""

from __future__ import annotations

from planner.model import Plan

__all__ = ["change_markdown", "failure_modes_markdown", "triggers_markdown"]


def _code(text: str) -> str:
    clean = text.replace("`", "'")
    return f"`{clean}`"


def change_markdown(plan: Plan) -> str:
    """What is shipped: feature, service, flag, source (git range or manifest), commits."""
    c = plan.change
    lines = [
        f"- **Feature**: {c.feature or '(unnamed)'}",
        f"- **Service**: {_code(c.service) if c.service else '-'}",
        f"- **Feature flag**: {_code(c.feature_flag) if c.feature_flag else 'none'}",
        f"- **Integration points**: {', '.join(c.integration_points) or 'none'}",
    ]
    if c.source == "git":
        lines.append(
            f"- **Git range**: {_code(c.base or '?')}..{_code(c.head or '?')}"
            f" in {_code(c.repo or '.')}"
        )
    else:
        lines.append("- **Source**: change manifest")
    for commit in c.commits:
        lines.append(f"  - {_code(commit.sha[:10])} {commit.subject}")
    lines.append(f"- **Thresholds**: {plan.thresholds_source}")
    return "\n".join(lines)


def failure_modes_markdown(plan: Plan) -> str:
    """A bullet per failure mode: severity, scenario and the rollback trigger it becomes."""
    if not plan.failure_modes:
        return "No failure modes identified."
    return "\n".join(
        f"- **{fm.severity}**: {fm.scenario} → {fm.trigger}" for fm in plan.failure_modes
    )


def triggers_markdown(plan: Plan) -> str:
    """Rollback triggers: immediate ones and those to evaluate within 15 minutes."""
    t = plan.rollback.triggers
    parts = ["**Roll back immediately when:**", *(f"- {x}" for x in t.immediate or ("-",))]
    parts += ["", "**Evaluate within 15 minutes when:**", *(f"- {x}" for x in t.evaluate or ("-",))]
    return "\n".join(parts)
