"""Evidence-sized stage waits: the bake sizes checked by simulating the tests they size."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner.exceptions import ThresholdsError
from planner.thresholds import parse_thresholds
from planner.thresholds.waits import EvidenceInputs, evidence_waits, parse_evidence

STAGES = [("Integration", 0.0), ("Canary", 10.0), ("Partial", 50.0), ("Full", 100.0)]


def test_the_error_ratio_bake_gives_the_stated_power_and_false_rollback_rate() -> None:
    # Simulate the one-sided two-sample test of proportions the wait is sized for: over the
    # computed bake the canary serves e x rpm x minutes requests, the stable version the rest.
    x = EvidenceInputs(requests_per_minute=800.0, error_ratio=0.004)
    (canary,) = [w for w in evidence_waits(STAGES, x) if w.stage == "Canary"]
    assert canary.metric == "error_ratio"
    alpha = x.false_rollback_rate / 3  # three stages with traffic, one metric
    z_a = 2.713  # one-sided normal quantile of 1 - 0.01/3 (tables), not the code's
    rng = np.random.default_rng(0)
    n_c = 0.1 * 800 * canary.minutes
    n_s = 0.9 * 800 * canary.minutes

    def rejects(p_canary: float) -> float:
        c = rng.binomial(int(n_c), p_canary, 200_000) / n_c
        s = rng.binomial(int(n_s), 0.004, 200_000) / n_s
        se = np.sqrt(0.004 * 0.996 * (1 / n_c + 1 / n_s))
        return float(((c - s) / se > z_a).mean())

    assert rejects(0.008) == pytest.approx(0.90, abs=0.02)  # x2: detected 90 % of the time
    # Healthy: about alpha. The bake is sized with the normal approximation; with some twenty
    # expected canary errors the binomial's right skew makes the real tail heavier (it would
    # need an exact or continuity-corrected test to be exact), so allow up to twice alpha.
    assert alpha / 2 < rejects(0.004) < 2 * alpha


def test_the_latency_bake_detects_plus_twenty_percent_with_ninety_percent_power() -> None:
    # Simulate raw log-normal requests (sigma 0.5) and compare the canary's p95 with the
    # stable version's over the computed bake; no pod heterogeneity here.
    x = EvidenceInputs(requests_per_minute=20.0, latency_sigma=0.5)
    (canary,) = [w for w in evidence_waits(STAGES, x) if w.stage == "Canary"]
    n_c = round(0.1 * 20 * canary.minutes)
    n_s = round(0.9 * 20 * canary.minutes)
    rng = np.random.default_rng(1)
    z_a = 2.713
    reps = 3000

    def p95(n: int, scale: float) -> np.ndarray:
        return np.quantile(scale * np.exp(0.5 * rng.standard_normal((reps, n))), 0.95, axis=1)

    base_c, base_s = np.log(p95(n_c, 1.0)), np.log(p95(n_s, 1.0))
    spread = np.sqrt(base_c.var() + base_s.var())  # the test's standard error, simulated
    worse = np.log(p95(n_c, 1.2)) - np.log(p95(n_s, 1.0))
    assert (worse / spread > z_a).mean() == pytest.approx(0.90, abs=0.04)


def test_no_wait_for_a_stage_without_traffic_and_full_compares_with_the_known_level() -> None:
    x = EvidenceInputs(requests_per_minute=1000.0, error_ratio=0.002, latency_sigma=0.5)
    waits = {w.stage: w for w in evidence_waits(STAGES, x)}
    assert "Integration" not in waits
    assert waits["Full"].minutes < waits["Partial"].minutes < waits["Canary"].minutes
    assert any("one-sample" in line for line in waits["Full"].arithmetic)
    assert waits["Canary"].arithmetic[-1].startswith(f"wait = {waits['Canary'].minutes:g} min")


def test_more_traffic_means_a_proportionally_shorter_bake() -> None:
    slow = EvidenceInputs(requests_per_minute=100.0, error_ratio=0.01)
    fast = EvidenceInputs(requests_per_minute=1000.0, error_ratio=0.01)
    a = evidence_waits(STAGES, slow)[0].minutes
    b = evidence_waits(STAGES, fast)[0].minutes
    assert a / b == pytest.approx(10.0, rel=0.05)  # minutes round up to whole ones
    assert math.isfinite(a)


def test_the_thresholds_file_carries_the_inputs_and_reads_them_back() -> None:
    x = EvidenceInputs(requests_per_minute=640.0, error_ratio=0.003, latency_sigma=0.4)
    doc = {
        "rule_sets": [{"name": "t", "family": "static", "metric": "error_ratio", "critical": 1}],
        "stage_waits": x.to_dict(),
    }
    assert parse_thresholds(doc).stage_waits == x
    assert parse_thresholds(parse_thresholds(doc).to_dict()).stage_waits == x


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"error_ratio": 0.01}, "requests_per_minute: missing"),
        ({"requests_per_minute": -5, "error_ratio": 0.01}, "requests_per_minute: -5.0 is out"),
        ({"requests_per_minute": 5}, "give error_ratio and/or latency_sigma"),
        ({"requests_per_minute": 5, "error_ratio": "x"}, "error_ratio: expected a finite number"),
        ({"requests_per_minute": 5, "error_ratio": 0.1, "speed": 1}, "unknown field 'speed'"),
        ({"requests_per_minute": 5, "error_ratio": 0.1, "power": 0.3}, "power: 0.3 is out"),
    ],
)
def test_bad_stage_waits_name_the_field(data: dict[str, object], message: str) -> None:
    with pytest.raises(ThresholdsError, match=message):
        parse_evidence(data, "t.yaml: stage_waits")
