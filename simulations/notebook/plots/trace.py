"""Figures of traces: a metric over time with its labelled incidents and a threshold.

Built without ``pyplot`` (see :mod:`simulations.notebook.plots.plan`). Times are UTC.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from matplotlib.figure import Figure

from simulations.traces.model import Trace

__all__ = ["INCIDENT_COLOUR", "trace_figure"]

INCIDENT_COLOUR = "#CC79A7"


def trace_figure(
    trace: Trace,
    metric: str,
    threshold: float | None = None,
    title: str = "",
) -> Figure:
    """``metric`` of ``trace`` over time, incidents shaded, ``threshold`` as a dashed line.

    Raises:
        TraceError: the trace has no such metric.
    """
    info = trace.metric(metric)
    fig = Figure(figsize=(10, 3), layout="constrained")
    ax = fig.add_subplot()
    series = trace.frame[metric]
    ax.plot(series.index, series.to_numpy(), linewidth=0.6, color="#0072B2", label=metric)
    for i, inc in enumerate(trace.incidents):
        ax.axvspan(
            cast(Any, inc.start),
            cast(Any, inc.end),
            color=INCIDENT_COLOUR,
            alpha=0.3,
            label="labelled incident" if i == 0 else None,
        )
    if threshold is not None:
        ax.axhline(threshold, color="#D55E00", linestyle="--", linewidth=1, label="threshold")
    ax.set_ylabel(f"{metric} ({info.unit})")
    name = Path(trace.name).name if trace.name else "trace"
    ax.set_title(title or f"{name}: {metric} (worse {info.direction})")
    ax.legend(loc="upper right", fontsize=8)
    fig.autofmt_xdate()
    return fig
