"""Figures of a tuning run: the Pareto front of blast radius against false rollbacks.

Built without ``pyplot`` (see :mod:`simulations.notebook.plots.plan`). Blast radius is the
backtest's mean exposure-minutes per incident replay; false rollbacks are per 100 healthy
deploys, drawn with their 95 % Wilson interval (horizontal bars, the backtest's
``false_rollbacks_per_100_deploys_ci95``) and the number of independent healthy deploys it rests
on in the legend. The grey cloud of every configuration tried shows point rates only (its
intervals are those of the front's points at the same rate and n). All points are on the
training data, the same data for the tuned rules and the defaults.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simulations.backtest.scoring import Score
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
            label=f"every configuration tried ({len(report.cloud)}; point rates)",
            zorder=0,
        )
    front = sorted(
        (c.score for c in report.front),
        key=lambda s: (s.false_rollbacks_per_100 or 0.0, s.blast_mean or 0.0),
    )
    if front:
        xs = [s.false_rollbacks_per_100 or 0.0 for s in front]
        ys = [s.blast_mean or 0.0 for s in front]
        ax.step(xs, ys, where="post", color="#0072B2")
        _intervals(ax, front, "Pareto front (tuned)", fmt="o", color="#0072B2")
    shared: dict[tuple[float, float], list[str]] = {}  # defaults often share a point
    defaults: list[Score] = []
    for r in report.train.results:
        s = r.score
        if s.false_rollbacks_per_100 is None or s.blast_mean is None:
            continue
        point = (round(s.false_rollbacks_per_100, 6), round(s.blast_mean, 6))
        if r.name == "tuned":
            _intervals(ax, [s], "recommended", fmt="*", color="#D55E00", markersize=16)
        elif r.origin == "defaults":
            if point not in shared:
                defaults.append(s)
            shared.setdefault(point, []).append(r.name)
    if defaults:
        _intervals(ax, defaults, "defaults people copy", fmt="s", color="#555555")
    top = max((y for _, y in shared), default=1.0) or 1.0
    previous: tuple[float, float] | None = None
    lift = 0.0
    for point, names in sorted(shared.items()):
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


def _intervals(
    ax: Axes, scores: Sequence[Score], label: str, fmt: str, color: str, markersize: float = 6
) -> None:
    """``scores`` as points (false rollbacks, blast radius) with horizontal 95 % interval bars;
    the label names the independent healthy deploys the intervals rest on."""
    xs = [s.false_rollbacks_per_100 or 0.0 for s in scores]
    ys = [s.blast_mean or 0.0 for s in scores]
    low = [x - (s.false_rollbacks_ci95 or (x, x))[0] for s, x in zip(scores, xs, strict=True)]
    high = [(s.false_rollbacks_ci95 or (x, x))[1] - x for s, x in zip(scores, xs, strict=True)]
    ax.errorbar(
        xs,
        ys,
        xerr=[[max(v, 0.0) for v in low], [max(v, 0.0) for v in high]],
        fmt=fmt,
        color=color,
        markersize=markersize,
        capsize=3,
        elinewidth=1,
        label=f"{label}, 95 % CI, {_n(scores)}",
    )


def _n(scores: Sequence[Score]) -> str:
    """``n = 23`` (or ``n = 5-23``): the independent healthy deploys behind the intervals."""
    ns = sorted({round(s.effective_healthy_deploys, 1) for s in scores})
    span = f"{ns[0]:g}" if len(ns) == 1 else f"{ns[0]:g}-{ns[-1]:g}"
    return f"n = {span} independent healthy deploys"
