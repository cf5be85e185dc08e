"""Tuned rules on held-out history of every vendored real series (data/raw, MIT-licensed).

Each series with two or more labelled incidents is cut between its middle incidents; ``tune``
selects on the first part (budget 5 false rollbacks per 100 healthy deploys) and the pick is
backtested on the second. Everywhere, a held-out rate over the budget must be reported as
``does-not-hold`` with its interval (never a silent miss). Where the training part had enough
independent healthy deploys to bound the rate within the budget at all (Wilson's upper bound of
0 false rollbacks, z^2 / (n + z^2), at or under the budget: n >= 73 for 5 per 100), the pick must
also stay within the budget on the held-out part.

None of the vendored series reaches that: their 30-hour deploys give 2-10 independent ones per
half, so on them the test checks the verdict only (measured 2026-12-04: elb and rds_cpu do not
hold out of sample, and say so; the hourly series and app2 lack training deploys).
"""

from __future__ import annotations

import functools

import pytest

from simulations.backtest.deploys import DeploySampling
from simulations.backtest.exposure import DEFAULT_ROLLOUT
from simulations.loaders.bundled import bundled_names, load_bundled
from simulations.tuning.split import split_at
from simulations.tuning.sweep import TuneSettings, tune

BUDGET = 5.0
Z2 = 1.959963984540054**2
ENOUGH = Z2 * (100 / BUDGET - 1)  # 0 of n has a Wilson upper bound at the budget: n = 73


def _series() -> list[object]:
    out: list[object] = []
    for name in bundled_names():
        if len(load_bundled(name).incidents) < 2:
            continue
        out.append(pytest.param(name, id=name))
    return out


@functools.cache
def _held_out(name: str) -> tuple[float | None, dict[str, object], float]:
    """(held-out false rollbacks per 100, verdict, independent healthy deploys in training)."""
    trace = load_bundled(name)
    incidents = sorted(trace.incidents, key=lambda i: i.start)
    h = len(incidents) // 2
    cut = incidents[h - 1].end + (incidents[h].start - incidents[h - 1].end) / 2
    train, test = split_at([trace], cut)
    report = tune(train, test, TuneSettings(DeploySampling(DEFAULT_ROLLOUT), budget=BUDGET))
    assert report.test is not None
    held_out = next(r for r in report.test.results if r.name == "tuned").score
    trained = report.train.results[0].score.effective_healthy_deploys
    return held_out.false_rollbacks_per_100, report.verdict(), trained


@pytest.mark.parametrize("name", _series())
def test_a_held_out_rate_over_the_budget_is_never_silent(name: str) -> None:
    fr, verdict, _ = _held_out(name)
    assert verdict["judged_on"] == "test"
    if fr is not None and fr > BUDGET:
        assert verdict["status"] == "does-not-hold" and verdict["holds"] is False
        assert verdict["false_rollbacks_per_100_deploys_ci95"] is not None
    else:
        assert verdict["status"] in ("holds", "unconfirmed", "not-tested")


@pytest.mark.parametrize("name", _series())
def test_tuned_rules_hold_where_training_could_bound_the_rate(name: str) -> None:
    fr, verdict, trained = _held_out(name)
    if trained < ENOUGH:
        pytest.skip(
            f"{name}: {trained:.1f} independent healthy deploys in training (< {ENOUGH:.0f})"
        )
    assert fr is not None and fr <= BUDGET, verdict["reason"]
