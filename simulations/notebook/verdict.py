"""The verdict a report opens with: do the plan's rules catch this service's past incidents?

Inputs are the replay's runs (one row per Monte Carlo run: ``incident`` id or ``""``,
``detected``, ``false_rollback``) and, when thresholds were tuned, the tuning report.

Assumptions, stated so they can be checked:

- The detected share is the share of incident runs whose incident was detected (a false
  rollback before the incident does not count), as in the replay table. Its 95 % interval is
  Wilson's score interval with the number of *distinct incidents* as the sample size: runs of
  one incident share its shape and are not independent draws, so the incidents, not the runs,
  bound what the history can tell.
- The false-rollback share is over all runs (healthy stretches included).
- Tuned rules *hold out of sample* when, on the test part of the history, they keep within the
  false-rollback budget they were tuned for and catch at least as many incidents as the best
  default rule set. Without a split there is no test part: "not tested".
- ``ready``: the interval's lower end reaches ``min_detected``, false rollbacks are at most
  ``max_false_rollback`` and the tuned rules held. ``not ready``: the upper end stays below
  ``min_detected``, too many false rollbacks, or the tuned rules failed their test. Anything else
  (too few incidents to tell, not tested): ``review``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulations.sampling.intervals import wilson

if TYPE_CHECKING:
    import pandas as pd

    from simulations.tuning.sweep import TuneReport

__all__ = ["VERDICTS", "Holdout", "Verdict", "holdout", "report_verdict"]

VERDICTS = ("ready", "review", "not ready")


@dataclass(frozen=True)
class Holdout:
    """How the tuned rules did on the history after the split (``tested`` False: no split)."""

    tested: bool
    holds: bool | None = None
    test_recall: float | None = None
    best_default_recall: float | None = None
    test_false_rollbacks_per_100: float | None = None
    budget: float | None = None

    def describe(self) -> str:
        """One sentence for the verdict table."""
        if not self.tested:
            return "not tested (no split of the history)"
        recall = "-" if self.test_recall is None else f"{self.test_recall:.0%}"
        best = "-" if self.best_default_recall is None else f"{self.best_default_recall:.0%}"
        fr = self.test_false_rollbacks_per_100
        frs = "-" if fr is None else f"{fr:.1f}"
        word = "yes" if self.holds else "no"
        return (
            f"{word}: on the test part they caught {recall} of incidents (best default {best}) "
            f"with {frs} false rollbacks per 100 deploys (budget {self.budget:g})"
        )


def holdout(report: TuneReport) -> Holdout:
    """Whether the tuned rule set held on ``report``'s test part (see the module docstring)."""
    if report.test is None:
        return Holdout(tested=False)
    tuned = [r for r in report.test.results if r.name == "tuned"]
    defaults = [r.score.recall for r in report.test.results if r.origin == "defaults"]
    if not tuned:
        return Holdout(tested=False)
    score = tuned[0].score
    best = max((r for r in defaults if r is not None), default=None)
    fr = score.false_rollbacks_per_100
    holds = (
        fr is not None
        and fr <= report.budget
        and score.recall is not None
        and (best is None or score.recall >= best)
    )
    return Holdout(True, holds, score.recall, best, fr, report.budget)


@dataclass(frozen=True)
class Verdict:
    """The headline judgement and the figures behind it (shares are 0..1)."""

    verdict: str
    reasons: tuple[str, ...]
    detected_fraction: float | None
    detected_ci95: tuple[float, float] | None
    incidents: int
    incident_runs: int
    false_rollback_fraction: float | None
    runs: int
    holdout: Holdout
    min_detected: float
    max_false_rollback: float


def report_verdict(
    runs: pd.DataFrame,
    tuning: TuneReport | None = None,
    min_detected: float = 0.8,
    max_false_rollback: float = 0.05,
) -> Verdict:
    """The verdict on a replay's ``runs`` and the optional tuning report."""
    incident_rows = runs[runs["incident"] != ""]
    caught = incident_rows["detected"] & ~incident_rows["false_rollback"]
    k = int(incident_rows["incident"].nunique())
    detected = float(caught.mean()) if len(incident_rows) else None
    ci = wilson(detected, k) if detected is not None and k else None
    fr = float(runs["false_rollback"].mean()) if len(runs) else None
    held = holdout(tuning) if tuning is not None else Holdout(tested=False)
    bad, good, reasons = [], [], []
    if ci is None:
        reasons.append("no labelled incident was replayed: detection is not measured")
    elif ci[1] < min_detected:
        bad.append(True)
        reasons.append(
            f"the rules caught {detected:.0%} of incident runs (95 % interval {ci[0]:.0%} to "
            f"{ci[1]:.0%}, {k} incidents), below the {min_detected:.0%} target"
        )
    elif ci[0] >= min_detected:
        good.append(True)
    else:
        reasons.append(
            f"{k} incidents cannot tell whether the rules catch {min_detected:.0%} "
            f"(95 % interval {ci[0]:.0%} to {ci[1]:.0%})"
        )
    if fr is not None and fr > max_false_rollback:
        bad.append(True)
        reasons.append(
            f"{fr:.1%} of runs rolled back a healthy deploy (most {max_false_rollback:.0%})"
        )
    if held.tested and not held.holds:
        bad.append(True)
        reasons.append("the tuned thresholds did not hold on the test part of the history")
    elif not held.tested:
        reasons.append("the tuned thresholds were not tested out of sample")
    if bad:
        verdict = "not ready"
    elif good and held.holds and (fr is None or fr <= max_false_rollback):
        verdict = "ready"
    else:
        verdict = "review"
    return Verdict(
        verdict,
        tuple(reasons),
        detected,
        ci,
        k,
        len(incident_rows),
        fr,
        len(runs),
        held,
        min_detected,
        max_false_rollback,
    )
