"""Prometheus's own rule engine agrees with our static detector on replayed incidents."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.export_plans import fixture_plan, target
from support.promtool_support import run_promtool

from simulations.loaders.bundled import default_root, load_bundled
from simulations.promtest import _histogram, build_promtest, histogram_quantile, write_promtest
from simulations.sources.synthetic import Injection, WebServiceSpec, generate_web_service
from simulations.traces.model import Trace

START = pd.Timestamp("2026-03-02T00:00:00Z")
MINUTE = pd.Timedelta(minutes=1)
INJECTIONS = (
    # error ratio +5 % for 25 min: error rate and success rate alerts, warning and critical
    Injection("step", START + pd.Timedelta(hours=2), 25 * MINUTE, 0.05),
    # error ratio ramps to +8 % over an hour: the warning fires well before the critical
    Injection("ramp", START + pd.Timedelta(hours=5), 60 * MINUTE, 0.08),
    # p95 latency x3 for 45 min: latency alerts only
    Injection("latency_only", START + pd.Timedelta(hours=9), 45 * MINUTE, 3.0),
    # a 6-minute spike: shorter than the 10-minute sustain window
    Injection("spike", START + pd.Timedelta(hours=13), 6 * MINUTE, 0.2),
)


@pytest.fixture(scope="module")
def trace() -> Trace:
    # Baseline error ratio 0.1 %: below the fixture's warning (0.15 %) outside incidents.
    spec = WebServiceSpec(start=START, days=0.75, error_ratio=0.001, injections=INJECTIONS)
    return generate_web_service(spec, seed=7)


@pytest.mark.parametrize("index", range(len(INJECTIONS)))
def test_promtool_fires_when_the_detector_predicts(
    tmp_path: Path, trace: Trace, index: int
) -> None:
    test = build_promtest(fixture_plan(), target(), trace, trace.incidents[index])
    path = write_promtest(tmp_path, test)
    result = run_promtool("test", "rules", path)
    assert result.returncode == 0, result.stdout + result.stderr
    fired = {c.alert for c in test.cases if c.fires_at_minutes is not None}
    shape = INJECTIONS[index].shape
    expected = {
        "step": {"CheckoutErrorRateCritical", "CheckoutSuccessRateCritical"},
        "ramp": {"CheckoutErrorRateWarning", "CheckoutErrorRateCritical"},
        "latency_only": {"CheckoutLatencyP95Warning", "CheckoutLatencyP95Critical"},
        "spike": set(),
    }[shape]
    assert expected <= fired
    if shape == "spike":  # too short to be sustained: nothing may fire
        assert "CheckoutErrorRateCritical" not in fired


def test_exact_agreement_without_tolerance(tmp_path: Path, trace: Trace) -> None:
    test = build_promtest(fixture_plan(), target(), trace, trace.incidents[0], tolerance=0)
    result = run_promtool("test", "rules", write_promtest(tmp_path, test))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_prediction_fails_in_promtool(tmp_path: Path, trace: Trace) -> None:
    # The check has teeth: claim the alert fires 3 minutes earlier than the detector says.
    test = build_promtest(fixture_plan(), target(), trace, trace.incidents[0], tolerance=0)
    for check in test.tests["tests"][0]["alert_rule_test"]:
        if check["exp_alerts"]:
            check["eval_time"] = f"{int(check['eval_time'][:-1]) - 3}m"
    result = run_promtool("test", "rules", write_promtest(tmp_path, test))
    assert result.returncode != 0


def test_same_trace_gives_the_same_bytes(tmp_path: Path, trace: Trace) -> None:
    a = write_promtest(
        tmp_path / "a", build_promtest(fixture_plan(), target(), trace, trace.incidents[1])
    )
    b = write_promtest(
        tmp_path / "b", build_promtest(fixture_plan(), target(), trace, trace.incidents[1])
    )
    assert a.read_bytes() == b.read_bytes()


def test_engine_measurement_crosses_at_the_same_minute(tmp_path: Path, trace: Trace) -> None:
    # The sustained query Argo and Flagger run is beyond the threshold exactly when the alert
    # fires (1), and not one interval before (0); flipping the 0 must fail in promtool.
    test = build_promtest(fixture_plan(), target(), trace, trace.incidents[0], tolerance=0)
    engine = test.tests["tests"][0]["promql_expr_test"]
    assert {c["exp_samples"][0]["value"] for c in engine} == {0, 1}
    assert all("min_over_time(" in c["expr"] or "max_over_time(" in c["expr"] for c in engine)
    ok = run_promtool("test", "rules", write_promtest(tmp_path / "ok", test))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    for check in engine:
        check["exp_samples"][0]["value"] = 1
    bad = run_promtool("test", "rules", write_promtest(tmp_path / "bad", test))
    assert bad.returncode != 0


def test_an_hourly_trace_is_evaluated_hourly_as_simulate_does(tmp_path: Path) -> None:
    # The plan's 1-minute interval is rounded up to the trace step (simulate's rule); the
    # default templates' ${window} becomes 1h, so each recorded value is one hourly sample.
    hour = pd.Timedelta(hours=1)
    spike = Injection("step", START + pd.Timedelta(days=2), 5 * hour, 0.05)
    spec = WebServiceSpec(start=START, days=4, step=hour, error_ratio=0.001, injections=(spike,))
    hourly = generate_web_service(spec, seed=3)
    test = build_promtest(fixture_plan(), target(), hourly, hourly.incidents[0], tolerance=0)
    assert test.tests["evaluation_interval"] == "60m"
    assert test.rules["groups"][0]["rules"][0]["record"].endswith(":rate60m")
    fired = {c.alert for c in test.cases if c.fires_at_minutes is not None}
    assert "CheckoutErrorRateCritical" in fired  # 5 % errors for 5 hours
    result = run_promtool("test", "rules", write_promtest(tmp_path, test))
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_canary_series_reach_a_canary_alert(tmp_path: Path, trace: Trace) -> None:
    # Swap the versions' labels: the incident now plays in the stable version. Our detector
    # (canary scope) stays silent, so Prometheus must too: a service-wide query would fire.
    test = build_promtest(fixture_plan(), target(), trace, trace.incidents[0], tolerance=0)
    (body,) = test.tests["tests"]
    for series in body["input_series"]:
        text = series["series"]
        text = text.replace('version="canary"', "@").replace('version="stable"', 'version="canary"')
        series["series"] = text.replace("@", 'version="stable"')
    body["promql_expr_test"] = []
    for check in body["alert_rule_test"]:
        check["exp_alerts"] = []
    ok = run_promtool("test", "rules", write_promtest(tmp_path / "swapped", test))
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_the_synthetic_histogram_returns_the_trace_percentile() -> None:
    # Closed form: Prometheus interpolates linearly inside the bucket holding the rank.
    bounds = np.array([0.1, 0.2, 0.4, 0.8])
    values = np.array([0.15, 0.35, 0.4, 0.79, 0.2000001])
    for q in (0.5, 0.95, 0.99):
        cum = _histogram(values, bounds, q, 1000.0)
        full = np.column_stack([cum, np.full(len(values), 1000.0)])
        assert np.all(np.diff(full, axis=1) >= 0)  # cumulative counts never decrease
        np.testing.assert_allclose(histogram_quantile(q, bounds, full), values, rtol=1e-12)


def test_histogram_quantile_follows_prometheus_on_a_worked_example() -> None:
    # Buckets le=1: 10, le=2: 30, le=4: 40, +Inf: 40. Median rank 20 falls in (1, 2] with 20
    # observations there: 1 + (2 - 1) * (20 - 10) / 20 = 1.5. The 0.99 rank 39.6 falls in
    # (2, 4]: 2 + 2 * 9.6 / 10 = 3.92. All in +Inf: the highest finite bound.
    bounds = np.array([1.0, 2.0, 4.0])
    rows = np.array([[10.0, 30.0, 40.0, 40.0], [0.0, 0.0, 0.0, 5.0], [0.0, 0.0, 0.0, 0.0]])
    np.testing.assert_allclose(histogram_quantile(0.5, bounds, rows)[:2], [1.5, 4.0])
    assert histogram_quantile(0.99, bounds, rows[:1])[0] == pytest.approx(3.92)
    assert np.isnan(histogram_quantile(0.5, bounds, rows)[2])


@pytest.mark.parametrize("index", [0, 6])
def test_the_bundled_hourly_crash_rate_series_agrees_exactly(tmp_path: Path, index: int) -> None:
    # data/raw/ms app2-01: a real hourly error-ratio series with labelled incidents (that
    # promtest used to reject: "interval_minutes(=1.0) must be a multiple of the trace step").
    trace = load_bundled("app2-01", default_root())
    plan, tgt = fixture_plan(), target()
    test = build_promtest(plan, tgt, trace, trace.incidents[index], tolerance=0)
    assert any(c.fires_at_minutes is not None for c in test.cases)
    assert test.left_out == ("latency_p95: the trace has no latency_p95_ms column",)
    result = run_promtool("test", "rules", write_promtest(tmp_path, test))
    assert result.returncode == 0, result.stdout + result.stderr
