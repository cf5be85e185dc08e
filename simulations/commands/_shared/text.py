"""Plain-text tables the CLI prints: backtest, tuning and replay results (the terminal medium;
notebook frames and figures live in :mod:`simulations.notebook`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simulations.backtest.run import BacktestReport
from simulations.replay.measure.summary import ReplaySummary, SummaryBlock
from simulations.tuning.sweep import Candidate, TuneReport

__all__ = ["backtest_text", "front_text", "replay_text", "tune_text"]


def _num(value: float | None, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals, or ``-`` when unknown: every number these tables show."""
    return "-" if value is None else f"{value:.{digits}f}"


def _ci(ci: tuple[float, float] | None, digits: int = 1) -> str:
    """A 95 % interval as ``[low-high]``, or ``-``."""
    return "-" if ci is None else f"[{ci[0]:.{digits}f}-{ci[1]:.{digits}f}]"


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


def backtest_text(report: BacktestReport) -> str:
    """One row per rule set: the four SRE measures, false rollbacks, blast radius."""
    header: tuple[str, ...] = (
        "rule set",
        "recall",
        "recall 95% CI",
        "precision",
        "detect p50/p95 min",
        "reset min",
        "false rb/100",
        "false rb 95% CI",
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
                f"{_num(failed.get('p50'), 0)}/{_num(failed.get('p95'), 0)}",
                _num(None if frac is None else 100.0 * frac, 0),
            )
        marks = {"defaults": " *", "current": " +"}.get(r.origin, "")
        name = r.name + marks + (" !" if r.not_evaluated else "")
        if not s.applicable:
            rows.append((name, "n/a", *("" for _ in header[2:])))
            continue
        rows.append(
            (
                name,
                _num(s.recall, 2),
                _ci(s.recall_ci95, 2),
                _num(s.precision, 2),
                f"{_num(s.detection_p50)}/{_num(s.detection_p95)}",
                _num(s.reset_minutes),
                _num(s.false_rollbacks_per_100),
                _ci(s.false_rollbacks_ci95),
                f"{_num(s.blast_p50)}/{_num(s.blast_p95)}",
                str(len(r.missed)),
                str(len(r.false_alarms)),
                *extra,
            )
        )
    s0 = report.settings
    most = max(report.results, key=lambda r: r.score.healthy_deploys, default=None)
    eff = (
        ""
        if most is None
        else (f" (worth {most.score.effective_healthy_deploys:.1f} independent: they overlap)")
    )
    foot = (
        f"{report.incidents} incident(s) x {len(s0.rollout.stages)} onset stages, "
        f"{most.score.healthy_deploys if most else 0} healthy deploys{eff}; "
        f"lead {s0.lead_minutes:g} min; blast radius in exposure-minutes; * = defaults\n"
        f"canary noise: {s0.noise.describe()}; 95% CIs: Wilson on independent deploys"
        + ("; + = --current" if any(r.origin == "current" for r in report.results) else "")
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
        "(not applicable there: left out of its scores; n/a = applicable nowhere)"
        for traces, names in blind.items()
    )


def front_text(front: Sequence[Candidate]) -> str:
    """The Pareto front: false rollbacks per 100 deploys against mean blast radius."""
    rows = [
        (
            c.rule_set.name,
            _num(c.score.false_rollbacks_per_100),
            _num(c.score.blast_mean, 2),
            _num(c.score.recall, 2),
            " ".join(_num(f.false_rollbacks_per_100) for f in c.folds),
        )
        for c in front
    ]
    header = ("rule (train)", "false rb/100", "blast mean", "recall", "false rb/100 per fold")
    return _grid(header, rows)


def tune_text(report: TuneReport) -> str:
    """Pareto front, recommendation, then the train and test backtests, never mixed."""
    rec: dict[str, Any] = report.recommended.row()
    met = report.recommended.within(report.budget)
    parts = [
        f"swept {report.n_candidates} rule configurations over metrics "
        f"{', '.join(report.metrics)} in {report.sweep_seconds:.1f} s",
        "",
        "Pareto front (train):",
        front_text(report.front),
        "",
        f"recommended (false rollbacks/100 <= {report.budget:g} on every fold"
        f"{'' if met else ': NOT MET, the safest set, flagged'}):",
        *(f"  {rule}" for rule in rec["rules"]),
        f"  (ranked by the {report.ranked_by})",
        "",
        *_validation_lines(report),
        "",
        "TRAIN:",
        backtest_text(report.train),
    ]
    if report.test is not None:
        parts += ["", "TEST:", backtest_text(report.test)]
    parts += ["", *_waits_lines(report), "", _verdict_line(report)]
    return "\n".join(parts)


def _validation_lines(report: TuneReport) -> list[str]:
    v = report.validation
    if v is None:
        return []
    ci = v.false_rollbacks_ci95
    return [
        f"VALIDATION ({v.folds}-fold, each fold held out of the selection): false rb/100 "
        f"{_num(v.false_rollbacks_per_100)} {_ci(ci)}, recall {_num(v.recall, 2)} "
        f"{_ci(v.recall_ci95, 2)} on {v.effective_healthy_deploys:.1f} independent healthy "
        f"deploys and {v.effective_incidents:.0f} incidents held out"
    ]


def _waits_lines(report: TuneReport) -> list[str]:
    waits = report.stage_waits()
    if not waits:
        return ["EVIDENCE-SIZED WAITS: no request counts in the training traces (traffic unknown)"]
    lines = ["EVIDENCE-SIZED WAITS (shortest bake that detects the degradation, 90% power):"]
    for w in waits:
        lines.append(f"  {w.stage} ({w.exposure_percent:g}%): {w.minutes:g} min")
        lines += [f"    {a}" for a in w.arithmetic]
    return lines


def _verdict_line(report: TuneReport) -> str:
    v = report.verdict()
    return f"VERDICT: {v['status'].upper()}: {v['reason']}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.0f}%"


def _pct_ci(ci: tuple[float, float] | None) -> str:
    return "-" if ci is None else f"[{ci[0] * 100:.0f}-{ci[1] * 100:.0f}%]"


def _rates_text(blocks: Sequence[tuple[str, SummaryBlock]]) -> list[str]:
    """Each rate with its 95 % interval and the sample size it is judged on."""
    rows = [
        (
            name,
            f"{_pct(b.detected_fraction)} {_pct_ci(b.detected_fraction_ci95)}",
            f"{b.runs_with_incident} / {b.distinct_incidents}",
            f"{_pct(b.false_rollback_fraction)} {_pct_ci(b.false_rollback_fraction_ci95)}",
            f"{b.runs} / {_num(b.effective_runs)}",
        )
        for name, b in blocks
    ]
    header = (
        "onset stage",
        "detected [95% CI]",
        "incident runs / incidents",
        "false rb [95% CI]",
        "runs / independent",
    )
    return [
        "95% Wilson intervals on independent evidence (detection: distinct incidents; "
        "false rollbacks: independent runs' worth of trace)",
        _grid(header, rows),
    ]


def replay_text(summary: ReplaySummary) -> str:
    """Overall and per-onset-stage rows: detection, time to roll back, blast radius; then each
    rate with its 95 % interval and sample size."""
    head = (
        f"{'onset stage':<14}{'runs':>6}{'detected':>9}{'false rb':>9}"
        f"{'detect p50':>11}{'rollback p50/p95/p99 min':>26}{'failed req p50/p95/p99':>28}"
        f"{'users p95':>10}{'exp-min p95':>12}"
    )
    rows = [head, "-" * len(head)]
    blocks: list[tuple[str, SummaryBlock]] = [("all", summary), *summary.by_onset_stage]
    for name, b in blocks:
        ttr, fr = b.time_to_rollback_minutes, b.blast_radius.failed_requests
        rows.append(
            f"{name:<14}{b.runs:>6}{_pct(b.detected_fraction):>9}"
            f"{_pct(b.false_rollback_fraction):>9}"
            f"{_num(b.time_to_detect_minutes.p50):>11}"
            f"{'/'.join(_num(x) for x in (ttr.p50, ttr.p95, ttr.p99)):>26}"
            f"{'/'.join(_num(x, 0) for x in (fr.p50, fr.p95, fr.p99)):>28}"
            f"{_num(b.blast_radius.users.p95, 0):>10}"
            f"{_num(b.blast_radius.exposure_minutes.p95):>12}"
        )
    by = summary.false_rollbacks_by_detector
    if any(n for _, n in by):
        parts = ", ".join(f"{name} {n}/{summary.runs} runs" for name, n in by)
        rows.append(f"false rollbacks by first alarm: {parts}")
    return "\n".join([*rows, "", *_rates_text(blocks)])
