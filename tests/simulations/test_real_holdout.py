"""Tuned rules on held-out history of every vendored real series (data/raw, MIT-licensed).

Each series with two or more labelled incidents is cut between its middle incidents; ``tune``
selects on the first part (budget 5 false rollbacks per 100 healthy deploys) and the pick is
backtested on the second. Where the training part had enough independent healthy deploys
(>= 4), the pick must stay within the budget on the held-out part; everywhere, the verdict must
say so when it does not (never a silent miss).
"""

from __future__ import annotations

import pytest

from simulations.backtest.deploys import DeploySampling
from simulations.backtest.exposure import DEFAULT_ROLLOUT
from simulations.loaders.bundled import bundled_names, load_bundled
from simulations.tuning.split import split_at
from simulations.tuning.sweep import TuneSettings, tune

BUDGET = 5.0
ENOUGH = 4.0  # independent healthy deploys in training
SHIFT = (
    "RDS CPU shifts to a new level on 04-18 and stays there after the labelled window: no "
    "training deploy saw that regime, so an absolute bound tuned before it fires on every "
    "later deploy (the verdict says does-not-hold)"
)


def _series() -> list[object]:
    out: list[object] = []
    for name in bundled_names():
        if len(load_bundled(name).incidents) < 2:
            continue
        marks = [pytest.mark.xfail(strict=True, reason=SHIFT)] if name.startswith("rds_") else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


@pytest.mark.parametrize("name", _series())
def test_tuned_rules_hold_on_the_held_out_part(name: str) -> None:
    trace = load_bundled(name)
    incidents = sorted(trace.incidents, key=lambda i: i.start)
    h = len(incidents) // 2
    cut = incidents[h - 1].end + (incidents[h].start - incidents[h - 1].end) / 2
    train, test = split_at([trace], cut)
    report = tune(train, test, TuneSettings(DeploySampling(DEFAULT_ROLLOUT), budget=BUDGET))
    verdict = report.verdict()
    assert report.test is not None
    held_out = next(r for r in report.test.results if r.name == "tuned").score
    fr = held_out.false_rollbacks_per_100
    # never silent: a held-out rate over the budget is a "does-not-hold" verdict with its CI
    if fr is not None and fr > BUDGET:
        assert verdict["status"] == "does-not-hold" and verdict["holds"] is False
        assert verdict["false_rollbacks_per_100_deploys_ci95"] is not None
    trained = report.train.results[0].score.effective_healthy_deploys
    if trained < ENOUGH:
        pytest.skip(f"{name}: {trained:.1f} independent healthy deploys in training (< {ENOUGH})")
    assert fr is not None and fr <= BUDGET, verdict["reason"]
