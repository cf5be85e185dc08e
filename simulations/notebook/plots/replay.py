"""Figures of a rollout replay: one run's timeline and the distributions over all runs.

Built without ``pyplot`` (see :mod:`simulations.notebook.plots.plan`). Times are minutes from the
deploy
start (hours on the full-rollout axis); blast radius is failed requests attributable to the
change; time to roll back is minutes from detection to traffic restored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulations.notebook.replay import RunStory

__all__ = ["distributions_figure", "story_figure"]

_BANDS = ("#F2F2F2", "#FFFFFF")
_MARKS = {"onset": "#CC79A7", "detected": "#D55E00", "restored": "#009E73"}


def _marks(story: RunStory) -> dict[str, float]:
    found = {
        "onset": story.onset_minutes,
        "detected": story.detected_minutes,
        "restored": story.restored_minutes,
    }
    return {k: v for k, v in found.items() if v is not None}


def story_figure(story: RunStory, zoom_minutes: float = 90.0) -> Figure:
    """Top: exposure over the whole rollout with stage bands. Bottom: the metric around the
    incident (``zoom_minutes`` either side), stable and new version, the threshold, and the
    onset, detection and restore markers."""
    fig = Figure(figsize=(10, 5.5), layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=(1, 1.6))
    hours = story.frame.index.to_numpy() / 60
    total = max((end for _, _, end in story.stages), default=1.0) or 1.0
    for i, (name, start, end) in enumerate(story.stages):
        if end > start:
            top.axvspan(start / 60, end / 60, color=_BANDS[i % 2], zorder=0)
            if (end - start) / total > 0.06:  # a narrow band has no room for its name
                top.annotate(name, ((start + end) / 120, 105), ha="center", fontsize=7)
    top.plot(hours, story.frame["exposure_percent"], color="#0072B2", drawstyle="steps-post")
    marks = _marks(story)
    for label, at in marks.items():
        top.axvline(at / 60, color=_MARKS[label], linewidth=1)
    top.set_ylim(0, 115)
    top.set_ylabel("exposure %")
    top.set_xlabel("hours from the deploy start")
    top.set_title(f"Run {story.run}: stages, exposure and the incident")
    centre = marks.get("onset", marks.get("detected", 0.0))
    last = max(marks.values(), default=centre)
    lo, hi = centre - zoom_minutes, last + zoom_minutes
    part = story.frame[(story.frame.index >= lo) & (story.frame.index <= hi)]
    bottom.plot(part.index, part["stable"], color="#777777", linewidth=0.8, label="stable")
    bottom.plot(part.index, part["new"], color="#0072B2", linewidth=0.8, label="new version")
    bottom.axhline(story.threshold, color="#D55E00", linestyle="--", linewidth=1, label="critical")
    for label, at in marks.items():
        bottom.axvline(at, color=_MARKS[label], linewidth=1.2, label=label)
    bottom.set_xlim(lo, hi)
    bottom.set_xlabel("minutes from the deploy start")
    bottom.set_ylabel(story.metric)
    detector = f" (detector: {story.detector})" if story.detector else " (not detected)"
    bottom.set_title(f"{story.metric} around the incident{detector}", fontsize=10)
    bottom.legend(fontsize=8, loc="upper left")
    return fig


def distributions_figure(runs: pd.DataFrame, stage_order: tuple[str, ...] = ()) -> Figure:
    """Box plots per onset stage: blast radius (runs with an incident) and time to roll back
    (detected runs)."""
    stages = [s for s in stage_order if s in set(runs["onset_stage"])] or sorted(
        s for s in set(runs["onset_stage"]) if s
    )
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    left, right = fig.subplots(1, 2)
    panels = (
        (left, "failed_requests", runs["incident"] != "", "blast radius (failed requests)"),
        (right, "time_to_rollback_minutes", runs["detected"], "time to roll back (minutes)"),
    )
    for ax, column, keep, title in panels:
        data = [
            runs.loc[keep & (runs["onset_stage"] == s), column].dropna().to_numpy() for s in stages
        ]
        shown = [(s, d) for s, d in zip(stages, data, strict=True) if len(d)]
        if shown:
            ax.boxplot([d for _, d in shown], tick_labels=[s for s, _ in shown], whis=(5, 95))
            for x, (_, d) in enumerate(shown, start=1):
                ax.annotate(
                    f"n={len(d)}",
                    (x, float(np.max(d))),
                    ha="center",
                    fontsize=7,
                    xytext=(0, 3),
                    textcoords="offset points",
                )
        else:
            ax.text(0.5, 0.5, "no run", ha="center", transform=ax.transAxes)
        ax.set_title(f"{title} by onset stage", fontsize=10)
    left.set_yscale("symlog")
    return fig
