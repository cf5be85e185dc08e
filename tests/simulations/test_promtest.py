"""Prometheus's own rule engine agrees with our static detector on replayed incidents."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from support.export_plans import fixture_plan, target
from support.promtool_support import run_promtool

from simulations.promtest import build_promtest, write_promtest
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
