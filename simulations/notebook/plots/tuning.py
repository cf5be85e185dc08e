"""Figures of a tuning run: the Pareto front of blast radius against false rollbacks.

Built without ``pyplot`` (see :mod:`simulations.notebook.plots.plan`). Blast radius is the
backtest's mean
exposure-minutes per incident replay; false rollbacks are per 100 healthy deploys. All points
are on the training data, the same data for the tuned rules and the defaults.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from simulations.tuning.sweep import TuneReport

__all__ = ["pareto_figure"]


def pareto_figure(report: TuneReport) -> Figure:
    """Every configuration tried (grey dots), the front (line), the defaults people copy
    (labelled squares) and the recommendation (star)."""
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    if report.cloud:
        ax.scatter(
            [p[2] for p in report.cloud],
            [p[3] for p in report.cloud],
            s=6,
            color="#BBBBBB",
            alpha=0.6,
            label=f"every configuration tried ({len(report.cloud)})",
            zorder=0,
        )
    front = sorted(
        (c.score.false_rollbacks_per_100 or 0.0, c.score.blast_mean or 0.0) for c in report.front
    )
    if front:
        xs, ys = zip(*front, strict=True)
        ax.step(xs, ys, where="post", color="#0072B2", marker="o", label="Pareto front (tuned)")
    shared: dict[tuple[float, float], list[str]] = {}  # defaults often share a point
    for r in report.train.results:
        s = r.score
        if s.false_rollbacks_per_100 is None or s.blast_mean is None:
            continue
        point = (round(s.false_rollbacks_per_100, 6), round(s.blast_mean, 6))
        if r.name == "tuned":
            ax.plot(*point, marker="*", markersize=16, color="#D55E00", label="recommended")
        elif r.origin == "defaults":
            shared.setdefault(point, []).append(r.name)
    top = max((y for _, y in shared), default=1.0) or 1.0
    previous: tuple[float, float] | None = None
    lift = 0.0
    for i, (point, names) in enumerate(sorted(shared.items())):
        ax.plot(
            *point, marker="s", color="#555555", label="defaults people copy" if i == 0 else None
        )
        close = previous is not None and abs(point[1] - previous[1]) < 0.04 * top
        lift = lift + 9 if close else 0.0  # points points apart would print over each other
        ax.annotate(
            ", ".join(names),
            point,
            xytext=(8, lift),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color="#333333",
        )
        previous = point
    ax.axvline(report.budget, color="#009E73", linestyle="--", linewidth=1, label="budget")
    ax.set_xlabel("false rollbacks per 100 healthy deploys")
    ax.set_ylabel("mean blast radius (exposure-minutes)")
    ax.set_title("Blast radius (exposure-minutes) against false rollbacks (training data)")
    ax.legend(fontsize=8)
    return fig
