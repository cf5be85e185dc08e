"""Plain-text tables of backtest and tuning results, as the CLI prints them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simulations.backtest import BacktestReport
from simulations.tune import Candidate, TuneReport

__all__ = ["backtest_table", "front_table", "tune_text"]


def _f(value: float | None, fmt: str = "{:.1f}") -> str:
    return "-" if value is None else fmt.format(value)


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines = [
        "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in (header, *rows)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def backtest_table(report: BacktestReport) -> str:
    """One row per rule set: the four SRE measures, false rollbacks, blast radius."""
    header: tuple[str, ...] = (
        "rule set",
        "recall",
        "precision",
        "detect p50/p95 min",
        "reset min",
        "false rb/100",
        "blast p50/p95",
        "missed",
        "false alarms",
    )
    replayed = any(r.replay for r in report.results)
    if replayed:
        header = (*header, "replay failed req p50/p95", "replay false rb %")
    rows = []
    for r in report.results:
        s = r.score
        extra: tuple[str, ...] = ()
        if replayed:
            failed = (r.replay or {}).get("blast_radius", {}).get("failed_requests", {})
            frac = (r.replay or {}).get("false_rollback_fraction")
            extra = (
                f"{_f(failed.get('p50'), '{:.0f}')}/{_f(failed.get('p95'), '{:.0f}')}",
                _f(None if frac is None else 100.0 * frac, "{:.0f}"),
            )
        rows.append(
            (
                r.name
                + (" *" if r.origin == "defaults" else "")
                + (" !" if r.not_evaluated else ""),
                _f(s.recall, "{:.2f}"),
                _f(s.precision, "{:.2f}"),
                f"{_f(s.detection_p50)}/{_f(s.detection_p95)}",
                _f(s.reset_minutes),
                _f(s.false_rollbacks_per_100),
                f"{_f(s.blast_p50)}/{_f(s.blast_p95)}",
                str(len(r.missed)),
                str(len(r.false_alarms)),
                *extra,
            )
        )
    s0 = report.settings
    foot = (
        f"{report.incidents} incident(s) x {len(s0.rollout.stages)} onset stages, "
        f"{report.results[0].score.healthy_deploys if report.results else 0} healthy deploys; "
        f"lead {s0.lead_minutes:g} min; blast radius in exposure-minutes; * = defaults"
    )
    return _grid(header, rows) + "\n" + foot + _not_evaluated_note(report)


def _not_evaluated_note(report: BacktestReport) -> str:
    """Footnote lines for the ``!`` rows: rule sets blind to some traces, grouped by traces."""
    blind: dict[tuple[str, ...], list[str]] = {}
    for r in report.results:
        if r.not_evaluated:
            blind.setdefault(r.not_evaluated, []).append(r.name)
    return "".join(
        f"\n! {', '.join(names)}: no rule of the set watches a metric of {', '.join(traces)} "
        "(not evaluated there: its incidents counted as missed, its deploys as not rolled back)"
        for traces, names in blind.items()
    )


def front_table(front: Sequence[Candidate]) -> str:
    """The Pareto front: false rollbacks per 100 deploys against mean blast radius."""
    rows = [
        (
            c.rule_set.name,
            _f(c.score.false_rollbacks_per_100),
            _f(c.score.blast_mean, "{:.2f}"),
            _f(c.score.recall, "{:.2f}"),
        )
        for c in front
    ]
    return _grid(("rule (train)", "false rb/100", "blast mean", "recall"), rows)


def tune_text(report: TuneReport) -> str:
    """Pareto front, recommendation, then the train and test backtests, never mixed."""
    rec: dict[str, Any] = report.recommended.row()
    met = report.recommended.within(report.budget)
    parts = [
        f"swept {report.n_candidates} rule configurations over metrics "
        f"{', '.join(report.metrics)} in {report.sweep_seconds:.1f} s",
        "",
        "Pareto front (train):",
        front_table(report.front),
        "",
        f"recommended (false rollbacks/100 <= {report.budget:g}"
        f"{'' if met else ': NOT MET, least false rollbacks'}):",
        *(f"  {rule}" for rule in rec["rules"]),
        f"  (ranked by the {report.ranked_by})",
        "",
        "TRAIN:",
        backtest_table(report.train),
    ]
    if report.test is not None:
        parts += ["", "TEST:", backtest_table(report.test)]
    return "\n".join(parts)
