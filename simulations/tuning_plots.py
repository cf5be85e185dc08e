"""Figures of a tuning run: the Pareto front of blast radius against false rollbacks.

Built without ``pyplot`` (see :mod:`simulations.plots`). Blast radius is the backtest's mean
exposure-minutes per incident replay; false rollbacks are per 100 healthy deploys. All points
are on the training data, the same data for the tuned rules and the defaults.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from simulations.tune import TuneReport

__all__ = ["pareto_figure"]


def pareto_figure(report: TuneReport) -> Figure:
    """The front (line), the defaults people copy (labelled), the recommendation (star)."""
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    front = sorted(
        (c.score.false_rollbacks_per_100 or 0.0, c.score.blast_mean or 0.0) for c in report.front
    )
    if front:
        xs, ys = zip(*front, strict=True)
        ax.step(xs, ys, where="post", color="#0072B2", marker="o", label="Pareto front (tuned)")
    defaults = 0
    for r in report.train.results:
        s = r.score
        if s.false_rollbacks_per_100 is None or s.blast_mean is None:
            continue
        point = (s.false_rollbacks_per_100, s.blast_mean)
        if r.name == "tuned":
            ax.plot(*point, marker="*", markersize=16, color="#D55E00", label="recommended")
        elif r.origin == "defaults":
            ax.plot(*point, marker="s", color="#777777")
            ax.annotate(  # alternate sides: defaults often share a point
                r.name,
                point,
                xytext=(8 if defaults % 2 == 0 else -8, 0),
                textcoords="offset points",
                ha="left" if defaults % 2 == 0 else "right",
                va="center",
                fontsize=8,
                color="#444444",
            )
            defaults += 1
    ax.axvline(report.budget, color="#009E73", linestyle="--", linewidth=1, label="budget")
    ax.set_xlabel("false rollbacks per 100 healthy deploys")
    ax.set_ylabel("mean blast radius (exposure-minutes)")
    ax.set_title("Blast radius against false rollbacks (training data; grey: defaults)")
    ax.legend(fontsize=8)
    return fig
