"""Figures of a plan for notebooks and reports.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot``, so nothing
depends on a GUI backend or global figure state: Jupyter displays a returned figure as a PNG,
papermill stores that PNG in the notebook, and :func:`to_data_uri` embeds one in a page.
Times on axes are hours from the start of the rollout unless the plan carries a calendar
``schedule``, which is drawn in its own (local, offset-aware) times.
"""

from __future__ import annotations

import base64
import io
from datetime import datetime
from typing import Any, cast

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from planner.model import LEVELS, Plan
from simulations.notebook.tables import clock_time, zone_name

__all__ = ["RISK_COLOURS", "risk_bar", "stage_timeline", "to_data_uri"]

# Colour-blind-safe (Okabe-Ito) colours, one per risk level.
RISK_COLOURS = {"ZERO": "#009E73", "LOW": "#56B4E9", "MEDIUM": "#E69F00", "HIGH": "#D55E00"}


def _colour(level: str) -> str:
    return RISK_COLOURS.get(level, "#999999")


def risk_bar(plan: Plan) -> Figure:
    """Horizontal bars: how many changed files sit at each risk level."""
    counts = {level: 0 for level in LEVELS}
    for f in plan.risk.files:
        counts[f.level] += 1
    fig = Figure(figsize=(7, 2.2), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(list(LEVELS), [counts[lv] for lv in LEVELS], color=[_colour(lv) for lv in LEVELS])
    for y, level in enumerate(LEVELS):
        ax.annotate(f" {counts[level]}", (counts[level], y), va="center")
    ax.set_xlabel("changed files")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"Overall risk {plan.risk.overall}, complexity {plan.risk.complexity}")
    return fig


def stage_timeline(plan: Plan) -> Figure:
    """A Gantt chart of the rollout stages.

    With a calendar ``schedule`` the bars are the scheduled start to end of each stage, and a
    held stage shows why. Without one, each bar starts at the earliest time the stage can begin
    (the sum of the earlier stages' minimum waits, in hours) and is drawn solid to its minimum
    wait and pale to the latest end (the sum of the maximum waits).
    """
    if plan.schedule:
        return _scheduled_timeline(plan)
    fig = Figure(figsize=(9, 0.6 * len(plan.stages) + 1.2), layout="constrained")
    ax = fig.add_subplot()
    earliest = latest = 0.0
    for y, stage in enumerate(plan.stages):
        lo, hi = stage.wait_minutes.min / 60, stage.wait_minutes.max / 60
        colour = _colour(stage.risk)
        ax.barh(y, latest + hi - earliest, left=earliest, color=colour, alpha=0.3)
        ax.barh(y, max(lo, 0.05), left=earliest, color=colour)
        ax.annotate(
            f" {stage.exposure_percent:g}% · wait {_hours(lo)}-{_hours(hi)}",
            (latest + hi, y),
            va="center",
            fontsize=8,
        )
        earliest, latest = earliest + lo, latest + hi
    ax.set_yticks(range(len(plan.stages)), [s.name for s in plan.stages])
    ax.invert_yaxis()
    ax.set_xlabel("hours from the start of the rollout (solid: earliest, pale: up to latest)")
    ax.set_xlim(0, latest * 1.25 + 0.5)
    ax.set_title(f"Stage timeline: {_hours(earliest)} to {_hours(latest)} in total")
    return fig


def _scheduled_timeline(plan: Plan) -> Figure:
    risk = {s.name: s.risk for s in plan.stages}
    fig = Figure(figsize=(9, 0.6 * len(plan.schedule) + 1.6), layout="constrained")
    ax = fig.add_subplot()
    previous_end: float | None = None
    for y, item in enumerate(plan.schedule):
        colour = _colour(risk.get(item.stage, ""))
        start, end = _date2num(item.start), _date2num(item.end)
        if item.latest_start and item.latest_end:
            late_start, late_end = _date2num(item.latest_start), _date2num(item.latest_end)
            ax.barh(y, late_end - start, left=start, color=colour, alpha=0.3)
            ax.plot([late_start, late_start], [y - 0.4, y + 0.4], color=colour, linewidth=1)
        ax.barh(y, max(end - start, 0.01), left=start, color=colour)
        if item.held_until and previous_end is not None:
            ax.barh(
                y,
                start - previous_end,
                left=previous_end,
                color="none",
                hatch="//",
                edgecolor="#777777",
                linewidth=0,
            )
            ax.annotate("held ", (start, y), fontsize=7, va="center", ha="right")
        previous_end = end
    ax.set_yticks(range(len(plan.schedule)), [s.stage for s in plan.schedule])
    ax.invert_yaxis()
    first = datetime.fromisoformat(plan.schedule[0].start)
    ax.xaxis_date(tz=first.tzinfo)
    ax.set_xlabel(
        f"calendar time ({zone_name(first)}; solid: every wait at its minimum, pale: up to the "
        "maximum; hatched: held for a window)",
        fontsize=8,
    )
    last = plan.schedule[-1]
    title = f"Scheduled rollout, ends {clock_time(last.end)}"
    if last.latest_end and last.latest_end != last.end:
        title += f", {clock_time(last.latest_end)} at the latest"
    ax.set_title(title)
    fig.autofmt_xdate()
    return fig


def _date2num(moment: str) -> float:
    import matplotlib.dates

    return float(cast(Any, matplotlib.dates).date2num(datetime.fromisoformat(moment)))


def _hours(hours: float) -> str:
    return f"{hours:g} h" if hours < 48 else f"{hours / 24:g} d"


def to_data_uri(fig: Figure, dpi: int = 80) -> str:
    """The figure as a ``data:image/png;base64,...`` URI, for a self-contained HTML page."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
