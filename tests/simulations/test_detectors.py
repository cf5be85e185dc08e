"""Detectors: each family's timing semantics, checked against hand-derived expectations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.exceptions import ThresholdsError
from simulations.detectors import (
    ArgoAnalysis,
    BaselineComparison,
    BurnWindow,
    FlaggerAnalysis,
    MultiBurnRate,
    Observed,
    StaticThreshold,
    alarm_minutes,
    first_alarm,
    first_alarms,
)


def step_series(n: int, onset: int, low: float = 0.001, high: float = 0.05) -> np.ndarray:
    """A metric at ``low`` that jumps to ``high`` at sample ``onset``."""
    v = np.full(n, low)
    v[onset:] = high
    return v


@pytest.mark.parametrize(
    ("for_minutes", "interval", "expected_minute"),
    [
        (0, 1, 21),  # fires at the first evaluation that sees sample 20 (end of minute 21)
        (10, 1, 31),  # pending at 21, firing once 10 minutes have passed since activeAt
        (10, 5, 35),  # evaluations every 5m: first true at 25, fires at 35
        (3, 2, 26),  # evaluations at 22, 24, 26: held 4 >= 3 at 26
    ],
)
def test_static_follows_prometheus_for_semantics(
    for_minutes: float, interval: float, expected_minute: float
) -> None:
    det = StaticThreshold(
        "error_ratio", 0.01, for_minutes=for_minutes, evaluation_interval_minutes=interval
    )
    idx = first_alarm(det, Observed(1.0, step_series(120, 20)))
    assert idx is not None
    assert alarm_minutes(idx, 1.0) == expected_minute


def test_static_resets_on_a_gap_or_a_dip() -> None:
    v = step_series(60, 10)
    v[15] = np.nan  # series absent for one evaluation: the pending alert is dropped
    v[20] = 0.0  # and again below the threshold
    det = StaticThreshold("error_ratio", 0.01, for_minutes=5)
    idx = first_alarm(det, Observed(1.0, v))
    # pending again from the evaluation that sees sample 21 (minute 22), firing 5 minutes later
    assert idx is not None and alarm_minutes(idx, 1.0) == 22 + 5


def test_static_below_direction() -> None:
    det = StaticThreshold("success_rate", 0.99, direction="below")
    assert first_alarm(det, Observed(1.0, 1 - step_series(30, 7))) == 7


def test_static_firing_is_a_state_not_a_latch() -> None:
    v = step_series(40, 10)
    v[20:] = 0.0
    fired = StaticThreshold("error_ratio", 0.01).firing(Observed(1.0, v))
    assert fired[10:20].all() and not fired[20:].any()


@pytest.mark.parametrize(("interval", "threshold"), [(1, 1), (1, 5), (2, 3), (5, 2), (10, 1)])
def test_flagger_decides_after_interval_times_threshold(interval: int, threshold: int) -> None:
    onset = 60  # on a check boundary for every interval in the table
    det = FlaggerAnalysis(
        "error_ratio", threshold_range_max=0.01, interval_minutes=interval, threshold=threshold
    )
    idx = first_alarm(det, Observed(1.0, step_series(300, onset)))
    assert idx is not None
    assert alarm_minutes(idx, 1.0) - onset == interval * threshold


def test_flagger_failed_checks_are_not_reset_by_a_pass() -> None:
    v = np.zeros(20)
    v[[3, 9]] = 1.0  # two isolated failed checks
    det = FlaggerAnalysis("error_ratio", threshold_range_max=0.5, threshold=2)
    assert first_alarm(det, Observed(1.0, v)) == 9


def test_flagger_no_data_does_not_fail_a_check() -> None:
    det = FlaggerAnalysis("error_ratio", threshold_range_max=0.5)
    assert first_alarm(det, Observed(1.0, np.full(10, np.nan))) is None


def test_flagger_weights_follow_step_and_max() -> None:
    assert FlaggerAnalysis("x", 1.0, step_weight=10, max_weight=30).weights() == (10, 20, 30)
    assert FlaggerAnalysis("x", 1.0, step_weights=(1, 5, 50)).weights() == (1, 5, 50)


def test_flagger_uses_counts_over_the_interval() -> None:
    req = np.full(10, 100.0)
    err = np.zeros(10)
    err[4] = 3  # 3 errors in the 2-minute window [4, 5] of 200 requests: 1.5 %
    obs = Observed(1.0, err / req, requests=req, errors=err)
    det = FlaggerAnalysis("error_ratio", threshold_range_max=0.02, interval_minutes=2)
    assert first_alarm(det, obs) is None  # per-minute 3 % breaches, the 2m window does not
    det = FlaggerAnalysis("error_ratio", threshold_range_max=0.01, interval_minutes=2)
    assert first_alarm(det, obs) == 5


@pytest.mark.parametrize(
    ("kwargs", "values", "expected"),
    [
        # failureLimit 0: the first failed measurement fails the run
        ({"failure_condition": 0.01}, [0, 0, 0.05, 0, 0], 2),
        # failureLimit 2: the third failure
        ({"failure_condition": 0.01, "failure_limit": 2}, [0.05, 0, 0.05, 0, 0.05, 0.05], 4),
        # both conditions, value between them: Inconclusive ends the run without abort
        ({"failure_condition": 0.05, "success_condition": 0.01}, [0, 0.02, 0.09, 0.09], None),
        # only successCondition: not successful means Failed
        ({"success_condition": 0.01}, [0, 0, 0.02], 2),
        # 5 consecutive errors exceed consecutiveErrorLimit 4: Error aborts
        ({"failure_condition": 0.01}, [0, *([np.nan] * 5), 0], 5),
        # 4 consecutive errors are tolerated
        ({"failure_condition": 0.01}, [0, *([np.nan] * 4), 0, 0], None),
        # count 2: the run is Successful before the incident
        ({"failure_condition": 0.01, "count": 2}, [0, 0, 0.5, 0.5], None),
    ],
)
def test_argo_measurement_outcomes_and_limits(
    kwargs: dict[str, float], values: list[float], expected: int | None
) -> None:
    # initialDelay 1m so that measurement n reads sample n
    det = ArgoAnalysis("error_ratio", initial_delay_minutes=1, **kwargs)  # type: ignore[arg-type]
    assert first_alarm(det, Observed(1.0, np.array(values, dtype=float))) == expected


def test_argo_first_measurement_at_initial_delay_is_an_error_without_data() -> None:
    det = ArgoAnalysis("error_ratio", failure_condition=0.01, consecutive_error_limit=0)
    assert first_alarm(det, Observed(1.0, np.zeros(5))) == 0


def test_burnrate_pages_on_fast_burn_only() -> None:
    det = MultiBurnRate(slo=0.999, windows=(BurnWindow(60.0, 5.0, 14.4),))
    fast = step_series(600, 100, low=0.0, high=0.02)  # 20x burn
    idx = first_alarm(det, Observed(1.0, fast))
    # 1h window average passes 14.4e-3 once 44 of 60 minutes are bad: minute 100 + 44
    assert idx is not None and alarm_minutes(idx, 1.0) == 144
    slow = step_series(600, 100, low=0.0, high=0.003)  # 3x burn: no page
    assert first_alarm(det, Observed(1.0, slow)) is None


def test_burnrate_partial_windows_use_the_samples_they_have() -> None:
    # 6h pair with 143 samples so far, 43 of them at 2 %: 0.60 % > 6 x 0.1 % although a full
    # 6h window would not be; the replay gives fleet-scope detectors history to avoid this.
    det = MultiBurnRate(slo=0.999)
    idx = first_alarm(det, Observed(1.0, step_series(600, 100, low=0.0, high=0.02)))
    assert idx == 142


def test_burnrate_six_hour_pair() -> None:
    det = MultiBurnRate(slo=0.99, windows=(BurnWindow(360.0, 30.0, 6.0),))
    v = step_series(1000, 0, low=0.0, high=0.07)  # 7x burn from the start
    assert first_alarm(det, Observed(1.0, v)) == 0


def test_baseline_relative_criterion() -> None:
    base = np.full(30, 100.0)
    canary = np.full(30, 105.0)
    canary[12:] = 115.0
    det = BaselineComparison("latency_p95_ms", max_increase_percent=10, interval_minutes=2)
    assert first_alarm(det, Observed(1.0, canary, baseline=base)) == 13
    with pytest.raises(ThresholdsError, match=r"needs Observed\.baseline"):
        det.firing(Observed(1.0, canary))


def test_baseline_absolute_floor_ignores_tiny_ratios() -> None:
    det = BaselineComparison("error_ratio", min_absolute_difference=0.001)
    obs = Observed(1.0, np.full(5, 0.0002), baseline=np.full(5, 0.0001))
    assert first_alarm(det, obs) is None


def test_two_dimensional_input_matches_rows() -> None:
    rng = np.random.default_rng(7)
    values = rng.uniform(0, 0.02, size=(6, 200))
    dets = [
        StaticThreshold("error_ratio", 0.012, for_minutes=3),
        FlaggerAnalysis("error_ratio", threshold_range_max=0.015, interval_minutes=2, threshold=4),
        ArgoAnalysis("error_ratio", failure_condition=0.019, failure_limit=1, interval_minutes=5),
        MultiBurnRate(slo=0.999),
    ]
    for det in dets:
        together = first_alarms(det, Observed(1.0, values))
        rows = [first_alarm(det, Observed(1.0, row)) for row in values]
        assert together.tolist() == [-1 if r is None else r for r in rows], det.name


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: StaticThreshold("x", 1, for_minutes=-1), r"for_minutes\(=-1\) must be >= 0"),
        (lambda: ArgoAnalysis("x"), "set failure_condition, success_condition or both"),
        (lambda: ArgoAnalysis("x", 1.0, failure_limit=-1), r"failure_limit\(=-1\)"),
        (lambda: FlaggerAnalysis("x"), "thresholdRange: set min, max or both"),
        (lambda: FlaggerAnalysis("x", 1.0, threshold=0), r"threshold\(=0\) must be >= 1"),
        (lambda: MultiBurnRate(slo=1.0), r"slo\(=1.0\) must be within"),
        (lambda: BaselineComparison("x", -5), r"max_increase_percent\(=-5\)"),
    ],
)
def test_bad_detector_configuration_is_rejected(make: object, match: str) -> None:
    with pytest.raises(ThresholdsError, match=match):
        make()  # type: ignore[operator]


def test_interval_must_be_a_multiple_of_the_step() -> None:
    det = FlaggerAnalysis("x", 1.0, interval_minutes=1.5)
    with pytest.raises(ThresholdsError, match=r"flagger\.interval: 1\.5 min must be a positive"):
        det.firing(Observed(1.0, np.zeros(4)))


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.one_of(st.floats(0, 1), st.just(float("nan"))), min_size=1, max_size=80),
    loose=st.floats(0, 1),
    tighten=st.floats(0, 1),
    family=st.sampled_from(["static", "flagger", "argo"]),
)
def test_a_stricter_threshold_never_detects_later(
    values: list[float], loose: float, tighten: float, family: str
) -> None:
    strict = loose * tighten  # lower bound on an "above" metric: stricter

    def make(t: float) -> object:
        if family == "static":
            return StaticThreshold("x", t, for_minutes=3)
        if family == "flagger":
            return FlaggerAnalysis("x", threshold_range_max=t, threshold=2, interval_minutes=2)
        return ArgoAnalysis("x", failure_condition=t, failure_limit=1)

    obs = Observed(1.0, np.array(values))
    a = first_alarm(make(loose), obs)  # type: ignore[arg-type]
    b = first_alarm(make(strict), obs)  # type: ignore[arg-type]
    if a is not None:
        assert b is not None and b <= a


def test_every_thresholds_family_has_one_simulation_model() -> None:
    # The registry is the one home of the families: the planner's spec (PARAMS) and the
    # simulation models name the same families, once each, under one spelling.
    from planner.thresholds import PARAMS
    from simulations.detectors.registry import NAMES, REGISTRY, family_named

    assert sorted(NAMES) == sorted(PARAMS)
    assert len(set(NAMES)) == len(REGISTRY)
    for family in REGISTRY:
        assert family.params is PARAMS[family.name]
    assert family_named("burnrate") is family_named("burn_rate")
