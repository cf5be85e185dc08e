"""The fast replay: analytic cases, parity with the per-tick reference, determinism."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import ROOT
from support.replay_fixtures import make_plan, make_trace
from support.replay_reference import reference_run

from simulations.commands._shared.text import replay_text
from simulations.detectors import (
    ArgoAnalysis,
    BaselineComparison,
    FlaggerAnalysis,
    MultiBurnRate,
    StaticThreshold,
)
from simulations.exceptions import ReplayError
from simulations.loaders.formats.canonical import load_trace
from simulations.loaders.incidents import load_incidents
from simulations.replay import (
    ReplayConfig,
    ResponseConfig,
    build_setup,
    replay_runs,
    run_events,
    simulate,
    step_incident,
    summarise,
)
from simulations.replay.measure.latency import mixture_quantile, z_of
from simulations.replay.measure.outcome import users_affected
from simulations.replay.world import build_world, draw_runs

AUTO = ResponseConfig(mode="automated", abort_scale_down_delay_seconds=30)


def one_stage(pct: float, bake: float = 600) -> Any:
    return make_plan([("Canary", pct, bake, bake)])


def same(a: Any, b: Any) -> bool:
    """Equal rows, NaN equal to NaN."""
    ra, rb = a.row(), b.row()
    return all(
        ra[k] == rb[k] or (isinstance(ra[k], float) and math.isnan(ra[k]) and math.isnan(rb[k]))
        for k in ra
    )


@pytest.mark.parametrize(("interval", "threshold"), [(1, 1), (1, 3), (2, 2), (5, 1), (10, 2)])
def test_flagger_decision_time_is_interval_times_threshold(interval: int, threshold: int) -> None:
    det = FlaggerAnalysis(
        "error_ratio", threshold_range_max=0.01, interval_minutes=interval, threshold=threshold
    )
    shape = step_incident({"error_ratio": 0.5}, 300, 1.0)
    cfg = ReplayConfig(response=AUTO, onset_minutes=120, tail_minutes=0, fleet_history_minutes=0)
    setup = build_setup(
        one_stage(10), make_trace(), [det], incidents=(), config=cfg, shapes=[shape]
    )
    for r in replay_runs(setup, seed=1, runs=range(5)):
        assert r.detected and r.time_to_detect_minutes == interval * threshold


@pytest.mark.parametrize("pct", [5, 10, 20, 50, 100])
def test_automated_abort_blast_radius_scales_with_exposure(pct: float) -> None:
    # static for=5m, eval 1m: first true evaluation sees the onset sample one minute after the
    # onset, fires 5 minutes later: 6 samples at 1000 req/min x exposure x 0.5 excess
    det = StaticThreshold("error_ratio", 0.01, for_minutes=5, scope="canary")
    shape = step_incident({"error_ratio": 0.5}, 300, 1.0)
    cfg = ReplayConfig(response=AUTO, onset_minutes=100, fleet_history_minutes=0)
    setup = build_setup(
        one_stage(pct), make_trace(), [det], incidents=(), config=cfg, shapes=[shape]
    )
    (r,) = replay_runs(setup, seed=2, runs=[0])
    assert r.time_to_detect_minutes == 6 and r.time_to_rollback_minutes == 0
    assert r.failed_requests == pytest.approx(6 * 1000 * pct / 100 * 0.5, rel=1e-12)
    assert r.exposure_minutes == pytest.approx(6 * pct / 100, rel=1e-12)
    assert r.time_to_recover_minutes == pytest.approx(6.5)  # + 30 s scale-down delay


def test_no_incident_means_zero_blast_radius_and_flags_false_rollbacks() -> None:
    noisy = StaticThreshold("error_ratio", 0.0005, scope="canary")  # trips on noise
    setup = build_setup(
        make_plan(), make_trace(n=5000, error_ratio=0.001, seed=3), [noisy], incidents=()
    )
    runs = replay_runs(setup, seed=4, runs=range(20))
    assert all(r.failed_requests == 0 and r.users == 0 and r.exposure_minutes == 0 for r in runs)
    assert all(r.false_rollback == r.detected for r in runs)
    assert any(r.false_rollback for r in runs)


def test_undetected_incident_counts_until_it_ends() -> None:
    blind = StaticThreshold("error_ratio", 0.9, scope="canary")
    shape = step_incident({"error_ratio": 0.1}, 30, 1.0)
    cfg = ReplayConfig(onset_minutes=50, fleet_history_minutes=0)
    setup = build_setup(
        one_stage(20), make_trace(), [blind], incidents=(), config=cfg, shapes=[shape]
    )
    (r,) = replay_runs(setup, seed=5, runs=[0])
    assert not r.detected and math.isnan(r.time_to_rollback_minutes)
    assert r.failed_requests == pytest.approx(30 * 1000 * 0.2 * 0.1)


@pytest.mark.parametrize(
    ("probability", "levels"),
    [(0.0, "1"), (1.0, "1,2,3")],  # never / always escalate
)
def test_human_rollback_escalates_through_levels(probability: float, levels: str) -> None:
    det = StaticThreshold("error_ratio", 0.01, scope="canary")
    shape = step_incident({"error_ratio": 0.5}, 300, 1.0)
    resp = ResponseConfig(ack_minutes=0.0, escalation_probability=probability)
    cfg = ReplayConfig(response=resp, onset_minutes=30, fleet_history_minutes=0)
    setup = build_setup(
        one_stage(10), make_trace(), [det], incidents=(), config=cfg, shapes=[shape]
    )
    for r in replay_runs(setup, seed=6, runs=range(10)):
        assert r.levels == levels
        # each level takes between half and twice its estimate (3, 8, 12 minutes)
        lo = sum(0.5 * e for e in (3, 8, 12)[: len(levels.split(","))])
        hi = sum(2 * e for e in (3, 8, 12)[: len(levels.split(","))])
        assert lo <= r.time_to_rollback_minutes <= hi


@pytest.mark.parametrize(
    ("hour", "expected"), [(23, 20.0), (3, 20.0), (7, 5.0), (12, 5.0), (22, 20.0), (21, 5.0)]
)
def test_night_pages_take_longer(hour: int, expected: float) -> None:
    assert ResponseConfig(night_ack_minutes=20.0).ack_mean(hour) == expected


def test_users_model_limits() -> None:
    assert users_affected(1.0, 1e6, 10) == pytest.approx(1.0, rel=1e-4)  # rare: one per failure
    assert users_affected(1000.0, 1000.0, 10) == pytest.approx(100.0)  # all failed: N / k
    assert users_affected(0.0, 1000.0, 10) == 0.0


def test_fleet_latency_is_the_mixture_quantile_not_an_average() -> None:
    rng = np.random.default_rng(0)
    sigma, z = 0.5, z_of("p95")
    new, old, w = 800.0, 100.0, 0.1
    n = 400_000
    take_new = rng.random(n) < w
    mu = np.where(take_new, math.log(new) - z * sigma, math.log(old) - z * sigma)
    sample_p95 = float(np.percentile(np.exp(mu + sigma * rng.standard_normal(n)), 95))
    got = mixture_quantile(np.array([new]), np.array([old]), np.array([w]), z, sigma)[0]
    assert got == pytest.approx(sample_p95, rel=0.01)
    assert abs(got - (w * new + (1 - w) * old)) > 10  # an average of percentiles is wrong


DETECTOR_SETS = [
    # fleet static + canary flagger: the benchmark's pair
    [
        StaticThreshold("error_ratio", 0.004, for_minutes=5),
        FlaggerAnalysis("error_ratio", threshold_range_max=0.02, threshold=3, interval_minutes=2),
    ],
    # argo with limits, burn rate over history
    [
        ArgoAnalysis(
            "error_ratio",
            failure_condition=0.03,
            success_condition=0.005,
            failure_limit=1,
            inconclusive_limit=3,
            interval_minutes=5,
        ),
        MultiBurnRate(slo=0.995),
    ],
    # baseline comparison and a latency static rule, fleet latency from the mixture
    [
        BaselineComparison(
            "error_ratio",
            max_increase_percent=50,
            min_absolute_difference=0.002,
            interval_minutes=3,
        ),
        StaticThreshold("latency_p95_ms", 400, for_minutes=2, range_minutes=None),
    ],
    # success rate below, canary latency
    [
        StaticThreshold("success_rate", 0.99, direction="below", scope="canary", for_minutes=3),
        FlaggerAnalysis("latency_p95_ms", threshold_range_max=500),
    ],
    # canary latency against the stable version's own sampled latency
    [BaselineComparison("latency_p95_ms", max_increase_percent=15, interval_minutes=2)],
]


@pytest.mark.parametrize("detectors", DETECTOR_SETS)
@pytest.mark.parametrize("mode", ["automated", "human"])
def test_fast_replay_matches_the_per_tick_reference(detectors: list[Any], mode: str) -> None:
    trace = make_trace(
        n=6000,
        error_ratio=0.002,
        seed=8,
        incidents=(
            (1000, 1040, 0.05, 900.0),
            (2500, 2620, 0.015, 300.0),
            (4000, 4006, 0.3, 2000.0),
        ),
    )
    resp = ResponseConfig(mode=mode, night_ack_minutes=15.0)  # type: ignore[arg-type]
    plan = make_plan(
        [
            ("Infra", 0, 0, 0),
            ("Integration", 0, 30, 30),
            ("Canary", 10, 60, 120),
            ("Partial", 50, 60, 180),
            ("Full", 100, 240, 240),
        ]
    )
    setup = build_setup(plan, trace, detectors, config=ReplayConfig(response=resp))
    fast = replay_runs(setup, seed=11, runs=range(12))
    for r in fast:
        ref, log = reference_run(setup, 11, r.run)
        assert same(ref, r), (ref, r)
        assert log  # the reference logged its events


def test_same_seed_same_bytes_whatever_the_split() -> None:
    det = [StaticThreshold("error_ratio", 0.004, for_minutes=5)]
    setup = build_setup(
        make_plan(),
        make_trace(n=5000, error_ratio=0.002, seed=9, incidents=((2000, 2060, 0.05, 500.0),)),
        det,
    )
    one = simulate(setup, runs=150, seed=7, workers=1)
    two = simulate(setup, runs=150, seed=7, workers=2)
    assert one.runs.to_csv() == two.runs.to_csv()
    assert one.summary == two.summary
    other = simulate(setup, runs=150, seed=8, workers=1)
    assert other.runs.to_csv() != one.runs.to_csv()


def test_canary_latency_is_sampled_only_while_traffic_is_split() -> None:
    # At 0 % and 100 % one version serves everyone and measures the trace itself; while traffic
    # is split both versions measure samples, the canary's the noisier (a tenth of the requests)
    det = [BaselineComparison("latency_p95_ms", max_increase_percent=50)]
    plan = make_plan([("Integration", 0, 30, 30), ("Canary", 10, 60, 60), ("Full", 100, 60, 60)])
    setup = build_setup(plan, make_trace(n=3000, seed=4), det)
    world = build_world(setup, draw_runs(setup, 5, range(8)))
    m = "latency_p95_ms"
    split = (world.exposure > 0) & (world.exposure < 1)
    whole = ~split
    assert (world.canary_latency[m][whole] == world.new[m][whole]).all()
    assert (world.stable_latency[m][whole] == world.old[m][whole]).all()
    canary = np.log(world.canary_latency[m][split] / world.new[m][split])
    stable = np.log(world.stable_latency[m][split] / world.old[m][split])
    assert (canary != 0).all() and canary.std() > 2 * stable.std() > 0


def test_same_seed_same_latency_draws_whatever_the_split() -> None:
    det = [
        FlaggerAnalysis("latency_p95_ms", threshold_range_max=130, threshold=2),
        BaselineComparison("latency_p95_ms", max_increase_percent=20),
    ]
    plan = make_plan([("Canary", 10, 60, 120), ("Partial", 50, 60, 120), ("Full", 100, 60, 60)])
    setup = build_setup(plan, make_trace(n=4000, seed=6), det)
    one = simulate(setup, runs=130, seed=3, workers=1)
    assert one.runs["detected"].any()  # something to compare: some deploys roll back
    assert one.runs.to_csv() == simulate(setup, runs=130, seed=3, workers=2).runs.to_csv()
    assert one.runs.to_csv() != simulate(setup, runs=130, seed=4, workers=1).runs.to_csv()


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_runs() -> None:
    from distributed import LocalCluster

    det = [FlaggerAnalysis("error_ratio", threshold_range_max=0.02)]
    setup = build_setup(
        make_plan(),
        make_trace(n=5000, error_ratio=0.002, seed=9, incidents=((2000, 2060, 0.05, 500.0),)),
        det,
    )
    local = simulate(setup, runs=80, seed=3, workers=1)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        remote = simulate(setup, runs=80, seed=3, dask_address=cluster.scheduler_address)
    assert remote.runs.to_csv() == local.runs.to_csv()


def test_unreachable_scheduler_is_one_line() -> None:
    setup = build_setup(make_plan(), make_trace(n=5000), [StaticThreshold("error_ratio", 0.1)])
    with pytest.raises(ReplayError, match="cannot reach the scheduler"):
        simulate(setup, runs=2, seed=1, dask_address="tcp://127.0.0.1:9", connect_timeout_s=1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"incidents": ()}, None),
        ({"trace_n": 500}, "too few for a rollout"),
        ({"detectors": [StaticThreshold("saturation", 0.9)]}, "metric 'saturation' is not in"),
        ({"detectors": []}, "give at least one detector"),
    ],
)
def test_bad_setups_are_rejected(kwargs: dict[str, Any], match: str | None) -> None:
    trace = make_trace(n=kwargs.pop("trace_n", 5000))
    dets = kwargs.pop("detectors", [StaticThreshold("error_ratio", 0.1)])
    if match is None:
        build_setup(make_plan(), trace, dets, **kwargs)
        return
    with pytest.raises(ReplayError, match=match):
        replay_runs(build_setup(make_plan(), trace, dets, **kwargs), 1, [0])


def test_incident_outside_the_trace_is_rejected() -> None:
    import pandas as pd

    from simulations.traces.model import Incident

    trace = make_trace(n=100)
    late = Incident(pd.Timestamp("2027-01-01T00:00Z"), pd.Timestamp("2027-01-01T01:00Z"))
    with pytest.raises(ReplayError, match="is outside the trace"):
        build_setup(make_plan(), trace, [StaticThreshold("error_ratio", 0.1)], incidents=[late])


def test_negative_settings_are_rejected() -> None:
    with pytest.raises(ReplayError, match=r"ack_minutes\(=-1\) must be >= 0"):
        ResponseConfig(ack_minutes=-1)
    with pytest.raises(ReplayError, match=r"tail_minutes\(=-5\) must be >= 0"):
        ReplayConfig(tail_minutes=-5)
    with pytest.raises(ReplayError, match="duration -3 min must be > 0"):
        step_incident({"error_ratio": 0.1}, -3, 1.0)


@settings(max_examples=12, deadline=None)
@given(
    loose=st.floats(0.003, 0.05),
    tighten=st.floats(0.2, 1.0),
    seed=st.integers(0, 50),
)
def test_a_stricter_plan_threshold_never_detects_later_in_the_replay(
    loose: float, tighten: float, seed: int
) -> None:
    trace = make_trace(n=5000, error_ratio=0.002, seed=5, incidents=((2500, 2540, 0.03, 300.0),))

    def detection(threshold: float) -> list[float]:
        det = [StaticThreshold("error_ratio", threshold, for_minutes=3, scope="canary")]
        setup = build_setup(make_plan(), trace, det)
        return [r.detection_minutes for r in replay_runs(setup, seed=seed, runs=range(4))]

    for strict, lax in zip(detection(loose * tighten), detection(loose), strict=True):
        if not math.isnan(lax):
            assert strict <= lax


def test_reused_buffers_do_not_leak_between_batches() -> None:
    # 48 runs are three batches sharing buffers; later batches must match the reference,
    # which builds every run afresh (stale values from a longer earlier run would show)
    trace = make_trace(n=6000, error_ratio=0.002, seed=12, incidents=((1500, 1560, 0.04, 600.0),))
    dets = [
        StaticThreshold("error_ratio", 0.004, for_minutes=5),
        FlaggerAnalysis("error_ratio", threshold_range_max=0.03, threshold=3),
    ]
    plan = make_plan([("Canary", 10, 30, 300), ("Partial", 50, 30, 300), ("Full", 100, 60, 600)])
    setup = build_setup(plan, trace, dets)
    fast = replay_runs(setup, seed=21, runs=range(48))
    for r in fast[16::3]:
        assert same(reference_run(setup, 21, r.run)[0], r)


def test_event_log_tells_the_run_in_time_order() -> None:
    det = StaticThreshold("error_ratio", 0.01, scope="canary")
    shape = step_incident({"error_ratio": 0.5}, 300, 1.0)
    resp = ResponseConfig(ack_minutes=2.0, escalation_probability=0.0)
    cfg = ReplayConfig(response=resp, onset_minutes=30, fleet_history_minutes=0)
    setup = build_setup(
        one_stage(10), make_trace(), [det], incidents=(), config=cfg, shapes=[shape]
    )
    (r,) = replay_runs(setup, seed=3, runs=[0])
    events = run_events(setup, 3, 0)
    kinds = [kind for _, kind, _ in events]
    assert kinds[:1] == ["stage"]
    after = [k for k in kinds[kinds.index("detected") :] if k != "halted"]
    assert after == ["detected", "paged", "acknowledged", "level start", "restored"]
    at = {k: t for t, k, _ in events}
    assert at["halted"] == at["detected"] == r.detection_minutes  # promotion stops at once
    minutes = [t for t, _, _ in events]
    assert minutes == sorted(minutes)
    assert dict((k, t) for t, k, _ in events)["restored"] == pytest.approx(
        r.detection_minutes + r.time_to_rollback_minutes
    )


def test_summary_names_the_detector_behind_the_false_rollbacks() -> None:
    # Two detectors, one trips on noise, one never fires: the user must see which one rolls
    # back healthy deploys, not just a pooled false-rollback rate.
    noisy = StaticThreshold("error_ratio", 0.0005, scope="canary", name="noisy")
    quiet = StaticThreshold("error_ratio", 0.9, scope="fleet", name="quiet")
    setup = build_setup(
        make_plan(), make_trace(n=5000, error_ratio=0.001, seed=3), [noisy, quiet], incidents=()
    )
    result = simulate(setup, 30, seed=4, workers=1)
    false = result.runs[result.runs["false_rollback"]]
    by = dict(result.summary.false_rollbacks_by_detector)
    assert by == {"noisy": len(false), "quiet": 0} and len(false) > 0
    assert f"noisy {len(false)}/30 runs" in replay_text(result.summary)


@pytest.mark.parametrize("metric", ["error_ratio", "success_rate"])
def test_a_detector_on_a_metric_the_trace_lacks_is_rejected(metric: str) -> None:
    # A latency-only trace (the Microsoft outbound series): an error-ratio detector would watch
    # a made-up all-zero series and report "0 % detected" as if it had looked.
    from dataclasses import replace

    full = make_trace(n=500)
    keep = [m for m in full.metrics if m.name.startswith("latency")]
    latency_only = replace(
        full, frame=full.frame[[m.name for m in keep]], metrics=tuple(keep), name="lat"
    )
    with pytest.raises(ReplayError, match=f"metric {metric!r} is not in the trace 'lat'"):
        build_setup(make_plan(), latency_only, [StaticThreshold(metric, 0.01)], incidents=())


def test_an_onset_after_the_replay_ends_is_rejected() -> None:
    # make_plan's stages wait at least sum(wait_min) minutes, then 240 min of tail: an onset
    # later than that is never replayed and would read as "undetected, no harm".
    plan = make_plan()
    end = sum(s.wait_minutes.min for s in plan.stages) + ReplayConfig().tail_minutes
    trace = make_trace(n=5000)
    dets = [StaticThreshold("error_ratio", 0.1)]
    build_setup(plan, trace, dets, config=ReplayConfig(onset_minutes=end - 1))
    with pytest.raises(ReplayError, match=r"onset_minutes\(=.*\) is not before the replay's end"):
        build_setup(plan, trace, dets, config=ReplayConfig(onset_minutes=end))


def test_an_incident_between_two_samples_is_rejected() -> None:
    # 10 seconds inside one 1-minute step cover no sample: nothing would be replayed, and the
    # run would read as an undetected incident with no blast radius.
    import pandas as pd

    from simulations.traces.model import Incident

    trace = make_trace(n=5000)
    t0 = trace.frame.index[100]
    tiny = Incident(t0 + pd.Timedelta(seconds=10), t0 + pd.Timedelta(seconds=20))
    dets = [StaticThreshold("error_ratio", 0.1)]
    with pytest.raises(ReplayError, match="covers no sample of the trace"):
        build_setup(make_plan(), trace, dets, incidents=(tiny,))


Z2 = 1.959963984540054**2  # the normal's 97.5th percentile, squared


def _runs(n: int, incidents: list[str], starts: list[int], detected: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "run": range(n),
            "incident": [incidents[i % len(incidents)] for i in range(n)],
            "onset_stage": ["Canary" if incidents[0] else ""] * n,
            "detected": [detected] * n,
            "false_rollback": [False] * n,
            "detector": [""] * n,
            "deploy_start": [starts[i % len(starts)] for i in range(n)],
            **{
                c: [math.nan] * n
                for c in (
                    "time_to_detect_minutes",
                    "time_to_rollback_minutes",
                    "time_to_recover_minutes",
                    "failed_requests",
                    "users",
                    "exposure_minutes",
                )
            },
        }
    )


def test_rates_are_judged_on_independent_evidence_not_on_the_run_count() -> None:
    # 400 runs of two labelled incidents, none caught: Wilson's upper bound at k = 0 is
    # z^2 / (n + z^2), here on n = 2 incidents, not on 400 runs (which would claim < 1 %).
    s = summarise(_runs(400, ["a", "b"], [0, 5000], False), ("Canary",), (), deploy_steps=100)
    assert (s.runs_with_incident, s.distinct_incidents) == (400, 2)
    assert s.detected_fraction_ci95 == (0.0, pytest.approx(Z2 / (2 + Z2)))
    # healthy runs that all judge the same 100 steps are one deploy's worth of history ...
    same = summarise(_runs(300, [""], [700], False), deploy_steps=100)
    assert same.effective_runs == 1.0 and same.detected_fraction_ci95 is None
    assert same.false_rollback_fraction_ci95 == (0.0, pytest.approx(Z2 / (1 + Z2)))
    # ... back to back they are independent; half-overlapping, worth about half as many
    apart = summarise(_runs(30, [""], list(range(0, 3000, 100)), False), deploy_steps=100)
    assert apart.effective_runs == 30.0
    half = summarise(_runs(30, [""], list(range(0, 1500, 50)), False), deploy_steps=100)
    assert half.effective_runs == pytest.approx(15.5)
    assert summarise(_runs(3, [""], [0], False)).false_rollback_fraction_ci95 is None


def test_the_sample_incidents_differ_in_detectability_beyond_run_noise() -> None:
    # The assumption behind judging the detected share on distinct incidents, checked on the
    # bundled history: the incidents' detected shares differ far more than binomial noise
    # over their runs allows (a chi-square test of homogeneity, 5 degrees of freedom: its
    # 99.9th percentile is 20.5). Were they alike, the runs would be independent evidence.
    trace = load_trace(ROOT / "data/sample/web-service-14d.csv")
    incidents = load_incidents(ROOT / "data/sample/web-service-14d.incidents.yaml")
    det = [StaticThreshold("error_ratio", 0.01, for_minutes=2)]
    setup = build_setup(make_plan(), trace, det, incidents)
    runs = simulate(setup, 600, seed=1, workers=1).runs
    caught = runs["detected"] & ~runs["false_rollback"]
    by = caught.groupby(runs["incident"]).agg(["sum", "count"])
    p = by["sum"].sum() / by["count"].sum()
    expected = by["count"] * p
    chi2 = (((by["sum"] - expected) ** 2) / (expected * (1 - p))).sum()
    assert len(by) == 6 and chi2 > 20.5
