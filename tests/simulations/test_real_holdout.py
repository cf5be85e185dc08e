"""Tuned rules on held-out history of every vendored real series (data/raw, MIT-licensed).

Each series with two or more labelled incidents is cut between its middle incidents; ``tune``
selects on the first part (budget 5 false rollbacks per 100 healthy deploys) and the pick is
backtested on the second.

The rollout is a fast service's, not the planner's default: Canary 10 % for 10 min, Partial 50 %
for 20 min, Full 100 % for 30 min, one hour in all, a healthy deploy every hour (so healthy
deploys do not overlap and each is an independent one). Teams that ship many times a day bake in
minutes: Flagger's tutorials (``interval: 1m``, ``stepWeight: 10``, ``maxWeight: 50``) move the
canary from 10 % to 50 % in about 5 minutes of analysis before promoting, and Argo Rollouts'
examples (``examples/rollout-canary.yaml``, the getting-started rollout) pause seconds per
weight step; these bakes are longer than both. With the default 30-hour rollout (2 h, 4 h,
24 h) a 14-day series holds only 2 to 10 independent healthy deploys per half, and 0 false
rollbacks of ``n`` bounds the rate within the budget only from ``n`` >= 73 (Wilson's upper
bound z^2 / (n + z^2) <= 5 %): no test could fail. On hourly series a deploy is one sample.

Everywhere, a held-out rate over the budget must be reported as ``does-not-hold`` with its
interval (never a silent miss). Where the training part had >= 73 independent healthy deploys
the pick must hold out of sample and agree with what the cross-validation claimed (the two 95 %
intervals overlap), unless the held-out part left the training part's healthy range: a level
shift, measured from the data alone as more than 5 % of the held-out healthy samples beyond the
training part's healthy 99th percentile on the side the pick watches (about 1 % when the healthy
behaviour stays the same). Cross-validation and the Wilson intervals assume that the future's
healthy behaviour is the past's; after a shift no selection on the past can promise anything,
and the verdict must then say ``does-not-hold``.

Measured 2026-12-04 (held-out false rollbacks per 100 deploys [95 % CI]; independent healthy
deploys in training; held-out samples beyond the training's 99th percentile):

* elb: 2.8 [1.1, 6.9], cross-validated 2.9 [1.3, 6.4]; 184; 0.6 %: ``unconfirmed``.
* outbound-20: 0.0 [0.0, 1.8], cross-validated [0.1, 5.6]; 81; 0.5 %: ``holds``.
* rds_cpu: 51.4 [44.3, 58.5], cross-validated 0.06 [0.0, 2.7]; 145; 63 %: ``does-not-hold``.
  Its CPU steps from about 17 % to 28 % at the second labelled anomaly (NAB labels the step's
  start, five minutes) and stays there 3.5 days, a level the training part never reached:
  every absolute bound tuned on it rolls back the healthy deploys of those days. Not the noise
  model (without noise draws: 44.6), not overlap (deploys do not overlap), not the selection
  (the cross-validation agreed with training): the best canary-vs-baseline rule set, which
  compares with the stable version at the same level, gives 5.7 on the held-out part.
* outbound-12 (70), outbound-15 (65) and app2 (35) lack training deploys; outbound-12 and -15 do
  not hold (12.5 and 7.9 per 100) and say so.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import numpy as np
import pytest

from simulations.backtest.deploys import DeploySampling
from simulations.backtest.exposure import Rollout
from simulations.loaders.bundled import bundled_names, load_bundled
from simulations.traces.model import Trace
from simulations.traces.series import healthy_values
from simulations.tuning.split import split_at
from simulations.tuning.sweep import TuneSettings, tune

BUDGET = 5.0
Z2 = 1.959963984540054**2
ENOUGH = Z2 * (100 / BUDGET - 1)  # 0 of n has a Wilson upper bound at the budget: n = 73
FAST = Rollout((("Canary", 10.0, 10.0), ("Partial", 50.0, 20.0), ("Full", 100.0, 30.0)))
SHIFTED = 0.05  # held-out healthy samples beyond the training's 99th percentile (1 % if stable)


def _series() -> list[object]:
    return [
        pytest.param(name, id=name)
        for name in bundled_names()
        if len(load_bundled(name).incidents) >= 2
    ]


def _halves(name: str) -> tuple[list[Trace], list[Trace]]:
    trace = load_bundled(name)
    incidents = sorted(trace.incidents, key=lambda i: i.start)
    h = len(incidents) // 2
    cut = incidents[h - 1].end + (incidents[h].start - incidents[h - 1].end) / 2
    return split_at([trace], cut)


class HeldOut(NamedTuple):
    """What one series' tune gives: the pick's held-out rate and verdict, and its training."""

    rate: float | None  # held-out false rollbacks per 100 healthy deploys
    verdict: dict[str, Any]
    trained: float  # independent healthy deploys in training
    claimed: tuple[float, float] | None  # the cross-validated rate's 95 % CI, from training
    watched: tuple[str, str]  # the metric and direction of the pick's first rule
    compared: float | None  # held-out rate of the best canary-vs-baseline rule set


@functools.cache
def _held_out(name: str) -> HeldOut:
    train, test = _halves(name)
    sampling = DeploySampling(FAST, stride_minutes=FAST.duration_minutes)
    report = tune(train, test, TuneSettings(sampling, budget=BUDGET))
    assert report.test is not None and report.validation is not None
    held_out = next(r for r in report.test.results if r.name == "tuned").score
    rule = report.recommended.rule_set.rules[0]
    compared = next((r.score for r in report.test.results if r.name == "tuned-baseline"), None)
    return HeldOut(
        held_out.false_rollbacks_per_100,
        report.verdict(),
        report.train.results[0].score.effective_healthy_deploys,
        report.validation.false_rollbacks_ci95,
        (rule.metric, rule.direction),
        None if compared is None else compared.false_rollbacks_per_100,
    )


def _beyond_training(name: str, metric: str, direction: str) -> float:
    """Share of the held-out part's healthy samples beyond the training part's healthy 99th
    percentile (1st when lower is worse)."""
    (train,), (test,) = _halves(name)
    before, after = healthy_values(train, metric), healthy_values(test, metric)
    assert before is not None and after is not None
    after = after[np.isfinite(after)]
    if direction == "above":
        return float(np.mean(after > np.nanpercentile(before, 99)))
    return float(np.mean(after < np.nanpercentile(before, 1)))


@pytest.mark.parametrize("name", _series())
def test_a_held_out_rate_over_the_budget_is_never_silent(name: str) -> None:
    fr, verdict = _held_out(name)[:2]
    assert verdict["judged_on"] == "test"
    if fr is not None and fr > BUDGET:
        assert verdict["status"] == "does-not-hold" and verdict["holds"] is False
        assert verdict["false_rollbacks_per_100_deploys_ci95"] is not None
    else:
        assert verdict["status"] in ("holds", "unconfirmed", "not-tested")


@pytest.mark.parametrize("name", _series())
def test_tuned_rules_hold_where_training_could_bound_the_rate(name: str) -> None:
    h = _held_out(name)
    if h.trained < ENOUGH:
        pytest.skip(f"{name}: {h.trained:.1f} independent healthy deploys in training (< 73)")
    if _beyond_training(name, *h.watched) > SHIFTED:
        # No promise after a level shift: the verdict must say it does not hold. The cause is
        # the level, not the noise or the selection: a comparison with the stable version,
        # which shares the level, is barely touched by it.
        assert h.rate is not None and h.rate > BUDGET
        assert h.verdict["status"] == "does-not-hold"
        assert h.compared is not None and h.compared < h.rate / 5
        return
    assert h.rate is not None and h.rate <= BUDGET, h.verdict["reason"]
    # What the method claimed from training (the cross-validated rate's 95 % CI) and what the
    # held-out part shows (its own 95 % CI) are consistent: the two intervals overlap.
    ci = h.verdict["false_rollbacks_per_100_deploys_ci95"]
    assert h.claimed is not None and ci is not None
    assert ci[0] <= h.claimed[1] and h.claimed[0] <= ci[1], (h.claimed, ci)


def test_the_fast_rollout_gives_enough_training_deploys_on_three_series() -> None:
    # The point of the fast rollout: the strong assertion above runs (and can fail) somewhere.
    names = [n for n in bundled_names() if len(load_bundled(n).incidents) >= 2]
    enough = [n for n in names if _held_out(n).trained >= ENOUGH]
    assert len(enough) >= 3, enough
