"""The canary measured as a sample: checked against closed forms and independent simulations.

Every expected number here comes from probability theory (binomial and Poisson tails computed
with ``math.comb``/``math.exp``, the sample-quantile distribution simulated from raw log-normal
requests, Wilson's formula for ``k = 0``), never from the code under test.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
import pytest

from planner.model import Plan
from planner.thresholds import parse_thresholds
from planner.thresholds.file import ThresholdRule
from simulations.backtest.deploys import DeployBatch, DeploySampling, build_batches
from simulations.backtest.exposure import Rollout
from simulations.backtest.firing import rule_first_alarm
from simulations.sampling.intervals import covered_deploys, wilson
from simulations.sampling.noise import SampleNoise, quantile_spread, split_log_quantile
from simulations.traces.model import CANONICAL_METRICS, Trace

T0 = pd.Timestamp("2026-01-05T00:00:00Z")


def _trace(columns: dict[str, np.ndarray], name: str = "noisy") -> Trace:
    n = len(next(iter(columns.values())))
    index = pd.date_range(T0, periods=n, freq="1min", name="timestamp")
    frame = pd.DataFrame(columns, index=index)
    metrics = tuple(CANONICAL_METRICS[c] for c in columns)
    return Trace(frame, metrics, pd.Timedelta(minutes=1), (), name)


def _rule(**fields: object) -> ThresholdRule:
    base = {"name": "r", "family": "static", "metric": "error_ratio", "scope": "canary"}
    return parse_thresholds({"rule_sets": [base | fields]}).rule_sets[0].rules[0]


def _healthy(trace: Trace, rollout: Rollout, stride: float, noise: SampleNoise) -> DeployBatch:
    (batch,) = build_batches([trace], DeploySampling(rollout, stride_minutes=stride, noise=noise))
    assert (batch.incident_id < 0).all()
    return batch


def _binom_tail(n: int, p: float, k: int) -> float:
    """P(Binomial(n, p) >= k)."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def _poisson_cdf(lam: float, k: int) -> float:
    """P(Poisson(lam) <= k)."""
    return sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(k + 1))


def test_same_seed_same_bytes_and_another_seed_other_draws() -> None:
    rng = np.random.default_rng(7)
    n = 4000
    trace = _trace(
        {
            "requests": np.full(n, 500.0),
            "errors": rng.poisson(2.0, n).astype(float),
            "latency_p95_ms": 150 * np.exp(0.05 * rng.standard_normal(n)),
        }
    )
    rollout = Rollout((("Canary", 10.0, 30.0), ("Full", 100.0, 30.0)))

    def draws(seed: int) -> bytes:
        batch = _healthy(trace, rollout, 60.0, SampleNoise(draws=8, seed=seed))
        ratio, _ = batch.noisy("error_ratio")
        latency, _ = batch.noisy("latency_p95_ms")
        assert ratio.baseline is not None and latency.baseline is not None
        return b"".join(
            a.tobytes() for a in (ratio.value, ratio.baseline, latency.value, latency.baseline)
        )

    assert draws(3) == draws(3)
    assert draws(3) != draws(4)


def test_zero_allowance_comparison_fires_on_healthy_deploys_at_the_noise_implied_rate() -> None:
    # 200 requests and 2 errors every minute, always: the service is healthy and flat. A
    # canary-vs-baseline rule that allows no worsening at all, judged once at 10 % exposure,
    # fires when the canary's error ratio is above the stable version's. Requests are routed at
    # random: the canary gets C ~ Binomial(200, 0.1) of them and each error is the canary's with
    # probability 0.1 (independently), so it fires when X / C > (2 - X) / (200 - C).
    n, k, e = 200, 2, 0.1
    expected = 0.0
    for c in range(1, n):
        pc = math.comb(n, c) * e**c * (1 - e) ** (n - c)
        # X | C is hypergeometric: X of the k errors among the C canary requests
        for x in range(min(k, c) + 1):
            px = math.comb(k, x) * math.comb(n - k, c - x) / math.comb(n, c)
            if x * (n - c) > (k - x) * c:
                expected += pc * px
    trace = _trace({"requests": np.full(3000, float(n)), "errors": np.full(3000, float(k))})
    rollout = Rollout((("Canary", 10.0, 1.0), ("Full", 100.0, 4.0)))
    batch = _healthy(trace, rollout, 5.0, SampleNoise(draws=32, seed=1))
    rule = _rule(family="baseline", critical=0.0, warning=0.0, interval="1m")
    first, ok = rule_first_alarm(rule, batch)
    assert ok.all()
    fired = (first == 0).mean()  # the only split-exposure step is the first
    # At 100 % the canary is the whole (flat) trace: never worse than its own level.
    assert not (first > 0).any()
    se = math.sqrt(expected * (1 - expected) / first.size)
    # sanity: almost any canary error beats the stable version's 1 %: about 1 - 0.9^2
    assert expected == pytest.approx(1 - 0.9**2, abs=0.01)
    assert fired == pytest.approx(expected, abs=4 * se)


def test_static_rule_false_rollbacks_on_a_poisson_canary_match_the_closed_form() -> None:
    # The trace's errors are Poisson(4) a minute; routed at random, the canary's are
    # Poisson(4 x 0.1) (Poisson thinning). A static "errors > 1" rule in canary scope over a
    # 10-minute canary at 10 % fires when some minute has 2+ canary errors:
    # P = 1 - P(Poisson(0.4) <= 1)^10.
    rng = np.random.default_rng(11)
    n = 20_000
    trace = _trace({"requests": np.full(n, 1000.0), "errors": rng.poisson(4.0, n).astype(float)})
    rollout = Rollout((("Canary", 10.0, 10.0), ("Full", 100.0, 1.0)))
    batch = _healthy(trace, rollout, 11.0, SampleNoise(draws=16, seed=2))
    first, _ = rule_first_alarm(_rule(metric="errors", critical=1.0), batch)
    fired = ((first >= 0) & (first < batch.split_steps)).mean()
    expected = 1 - _poisson_cdf(0.4, 1) ** 10
    se = math.sqrt(expected * (1 - expected) / first.size)
    assert fired == pytest.approx(expected, abs=4 * se)


def test_a_canary_percentile_varies_as_the_percentile_of_its_own_requests() -> None:
    # Independent reference: draw the canary's 100 requests from a log-normal (sigma 0.5) and
    # take their 95th percentile, many times. The model's canary p95 (conditioned on a trace
    # value that itself is the p95 of 1,000 requests) must have the same spread in log terms.
    rng = np.random.default_rng(5)
    sigma, reps, n, n_c = 0.5, 4000, 1000, 100
    true_p95 = np.exp(sigma * 1.6448536269514722)
    sims = np.log(np.quantile(np.exp(sigma * rng.standard_normal((reps, n_c))), 0.95, axis=1))
    fleet = np.log(np.quantile(np.exp(sigma * rng.standard_normal((reps, n))), 0.95, axis=1))
    q = np.exp(fleet)
    gen = np.random.default_rng(6)
    s2 = quantile_spread(sigma, 0.95) ** 2
    canary, stable = split_log_quantile(
        gen,
        q,
        q,
        np.ones(reps, dtype=np.bool_),
        np.full(reps, float(n)),
        np.full(reps, float(n_c)),
        np.full(reps, n_c / n),
        s2,
        0.0,
    )
    assert np.log(canary).std() == pytest.approx(sims.std(), rel=0.1)
    assert np.log(canary).mean() == pytest.approx(math.log(true_p95), abs=0.02)
    # the stable version's 900 requests: independent of the canary's, as thinned counts are
    assert abs(np.corrcoef(np.log(canary), np.log(stable))[0, 1]) < 0.06


def test_wilson_intervals_cover_at_their_nominal_rate() -> None:
    rng = np.random.default_rng(3)
    coverage = []
    for n in (10, 30, 100):
        for p in np.linspace(0.02, 0.98, 25):
            ks = rng.binomial(n, p, 2000)
            hits = 0
            for k in ks:
                ci = wilson(k / n, n)
                assert ci is not None
                hits += ci[0] <= p <= ci[1]
            coverage.append(hits / ks.size)
    # Wilson's interval is not exact: its coverage oscillates around 95 % (Brown, Cai and
    # DasGupta 2001, fig. 5), so judge the average and the worst point.
    assert np.mean(coverage) == pytest.approx(0.95, abs=0.015)
    assert min(coverage) > 0.80


def test_zero_of_n_has_the_wilson_upper_bound_z2_over_n_plus_z2() -> None:
    z2 = 1.959963984540054**2
    for n in (5.0, 23.0, 4.3):
        ci = wilson(0.0, n)
        assert ci is not None and ci[0] == 0.0
        assert ci[1] == pytest.approx(z2 / (n + z2))
    assert wilson(None, 10) is None and wilson(0.5, 0) is None


def test_overlapping_deploys_count_once_per_deploy_length() -> None:
    # Deploys of 10 steps starting every 2 steps from 0 to 18 cover steps 0..28: 2.8 deploys.
    assert covered_deploys(np.arange(0, 20, 2), 10) == pytest.approx(2.8)
    assert covered_deploys(np.array([0, 10, 20]), 10) == 3.0  # back to back: independent
    assert covered_deploys(np.array([], dtype=np.int64), 10) == 0.0


def test_fleet_scope_is_the_trace_whatever_the_draw() -> None:
    # Thinning conserves the fleet's totals: a fleet rule gives one answer for all draws.
    rng = np.random.default_rng(9)
    trace = _trace(
        {"requests": np.full(2000, 300.0), "errors": rng.poisson(3.0, 2000).astype(float)}
    )
    rollout = Rollout((("Canary", 10.0, 20.0), ("Full", 100.0, 20.0)))
    batch = _healthy(trace, rollout, 40.0, SampleNoise(draws=8, seed=4))
    first, _ = rule_first_alarm(_rule(scope="fleet", critical=0.02), batch)
    per_deploy = first.reshape(batch.n_rows, batch.reps)
    assert (per_deploy == per_deploy[:, :1]).all()


def test_the_replay_and_the_backtest_agree_on_a_noisy_canary(plan: Plan) -> None:
    # The same flat service (2,000 requests and 20 errors a minute) and the same plan through
    # both models: the SimPy replay (simulations.replay: normal-approximated binomial routing,
    # binomial thinning of errors) and the backtest's sample model (binomial routing,
    # hypergeometric errors). A static canary rule "error ratio > 2.75 %" fires in a canary
    # minute at 10 % when 6+ of the 20 errors land on the ~200 canary requests, never at 50 %
    # (it would need 28) or 100 % (1 %). Both must match 1 - (1 - P(Bin(20, 0.1) >= 6))^120.
    from simulations.detectors import StaticThreshold
    from simulations.replay import ReplayConfig, ResponseConfig, build_setup, simulate

    n = 5 * 1440
    trace = _trace({"requests": np.full(n, 2000.0), "errors": np.full(n, 20.0)})
    expected = 1 - (1 - _binom_tail(20, 0.1, 6)) ** 120
    detector = StaticThreshold("error_ratio", 0.0275, scope="canary")
    config = ReplayConfig(response=ResponseConfig(mode="automated"), fixed_bake=True)
    setup = build_setup(plan, trace, [detector], incidents=(), config=config)
    runs = simulate(setup, 600, 2026, workers=1).runs
    replayed = float(runs["false_rollback"].mean())
    batch = _healthy(trace, Rollout.from_plan(plan), 120.0, SampleNoise(draws=32, seed=3))
    first, _ = rule_first_alarm(_rule(critical=0.0275), batch)
    backtested = float((first >= 0).mean())
    assert first[first >= 0].max() < 120  # only ever in the canary stage
    se = math.sqrt(expected * (1 - expected) / 600)
    assert replayed == pytest.approx(expected, abs=4 * se)
    assert backtested == pytest.approx(expected, abs=4 * se)
    assert backtested == pytest.approx(replayed, abs=5 * se)


def _binom_pmf(n: int, p: float) -> list[tuple[int, float]]:
    """(c, P(Binomial(n, p) = c)) for every c with a probability above 1e-15."""
    out = []
    for c in range(n + 1):
        log = (
            math.lgamma(n + 1)
            - math.lgamma(c + 1)
            - math.lgamma(n - c + 1)
            + c * math.log(p)
            + (n - c) * math.log(1 - p)
        )
        if log > -35:
            out.append((c, math.exp(log)))
    return out


def _canary_tail(
    n: int, e: float, s2: float, tau2: float, bound: Callable[[float], float]
) -> float:
    """P(a canary minute's log-percentile deviation exceeds ``bound(w)``), C ~ Bin(n, e).

    The stated model: given C = c canary requests (share w = c / n), the deviation of the
    canary's ln(p95) from the trace's is normal with variance s2 (1/c - 1/n) + tau2 (1/e - 1).
    """
    total = 0.0
    for c, pc in _binom_pmf(n, e):
        if c == 0:
            continue
        sd = math.sqrt(s2 * (1 / c - 1 / n) + tau2 * (1 / e - 1))
        total += pc * (1 - NormalDist().cdf(bound(c / n) / sd))
    return total


@pytest.mark.parametrize(
    ("pod_variance", "family"),
    [
        (None, "static"),  # a flat trace: calibrated pod variance 0, request sampling alone
        (0.002, "static"),  # per-pod heterogeneity on top (it dominates at 10 %)
        (0.002, "baseline"),  # canary against the stable version's own sampled percentile
    ],
)
def test_the_replay_and_the_backtest_agree_on_a_noisy_canary_latency(
    plan: Plan, pod_variance: float | None, family: str
) -> None:
    # A flat service: 2,000 requests a minute, p95 always 100 ms. Canary rules on p95 at 10 %
    # (120 min) and 50 % (240 min) see only the percentile's sampling noise (log-normal
    # requests, sigma 0.5: s from the asymptotic variance of a sample quantile) and the pod
    # term. static "p95 > L" fires in a minute when the canary's deviation d > ln(L / 100);
    # baseline "canary > stable x 1.6" when d / (1 - w) > ln 1.6 (the stable version is the
    # complement, ln s = ln q - w / (1 - w) d). Expected: 1 - prod over minutes of (1 - p).
    from simulations.detectors import BaselineComparison, StaticThreshold
    from simulations.replay import ReplayConfig, ResponseConfig, build_setup, simulate

    n, minutes = 5 * 1440, {0.1: 120, 0.5: 240}
    trace = _trace({"requests": np.full(n, 2000.0), "latency_p95_ms": np.full(n, 100.0)})
    s2, tau2 = quantile_spread(0.5, 0.95) ** 2, pod_variance or 0.0
    if family == "static":
        limit = 100 * math.exp(2.9 * math.sqrt(s2 * (1 / 200 - 1 / 2000) + tau2 * 9))
        d = math.log(limit / 100)
        bounds = {e: (lambda w: d) for e in minutes}
        detector: Any = StaticThreshold("latency_p95_ms", limit, scope="canary")
        rule = _rule(metric="latency_p95_ms", critical=limit)
    else:
        bounds = {e: (lambda w: (1 - w) * math.log(1.6)) for e in minutes}
        detector = BaselineComparison("latency_p95_ms", max_increase_percent=60)
        rule = _rule(family="baseline", metric="latency_p95_ms", critical=0.6, interval="1m")
    survive = 1.0
    for e, k in minutes.items():
        survive *= (1 - _canary_tail(2000, e, s2, tau2, bounds[e])) ** k
    expected = 1 - survive
    runs = 600
    config = ReplayConfig(
        response=ResponseConfig(mode="automated"), fixed_bake=True, pod_variance=pod_variance
    )
    setup = build_setup(plan, trace, [detector], incidents=(), config=config)
    replayed = float(simulate(setup, runs, 2026, workers=1).runs["false_rollback"].mean())
    noise = SampleNoise(draws=32, seed=3, pod_variance=pod_variance)
    batch = _healthy(trace, Rollout.from_plan(plan), 120.0, noise)
    first, _ = rule_first_alarm(rule, batch)
    backtested = float((first >= 0).mean())
    assert first[first >= 0].max() < 360  # only while traffic is split: 100 % is the trace
    se = math.sqrt(expected * (1 - expected) / runs)
    assert 0.1 < expected < 0.6  # a rate the test can tell apart from 0 and 1
    assert replayed == pytest.approx(expected, abs=4 * se)
    assert backtested == pytest.approx(expected, abs=4 * se)
    assert backtested == pytest.approx(replayed, abs=5 * se)
