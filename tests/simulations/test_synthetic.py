"""The synthetic web-service generator: seeded, seasonal, with the injected incidents visible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.paths import ROOT

from simulations.exceptions import TraceError
from simulations.sources.synthetic import (
    SAMPLE_SEED,
    Injection,
    WebServiceSpec,
    generate_web_service,
    sample_spec,
    write_sample,
)

SAMPLE = ROOT / "data" / "sample"
T0 = pd.Timestamp("2026-03-02T00:00:00Z")
MIN = pd.Timedelta(minutes=1)


def one(shape: str, magnitude: float, **kw: object) -> pd.DataFrame:
    inj = Injection(shape, T0 + pd.Timedelta(hours=12), 60 * MIN, magnitude, **kw)  # type: ignore[arg-type]
    spec = WebServiceSpec(start=T0, days=1, injections=(inj,))
    return generate_web_service(spec, seed=1).frame


def test_same_seed_gives_identical_trace_and_other_seed_differs() -> None:
    spec = WebServiceSpec(start=T0, days=2)
    a, b = generate_web_service(spec, 3), generate_web_service(spec, 3)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not generate_web_service(spec, 4).frame.equals(a.frame)


def test_committed_sample_equals_a_regeneration(tmp_path: Path) -> None:
    csv, yaml = write_sample(tmp_path, SAMPLE_SEED)
    assert csv.read_bytes() == (SAMPLE / "web-service-14d.csv").read_bytes()
    assert yaml.read_bytes() == (SAMPLE / "web-service-14d.incidents.yaml").read_bytes()


def test_sample_has_14_days_of_minutes_and_six_incidents() -> None:
    trace = generate_web_service(sample_spec(), SAMPLE_SEED)
    assert len(trace.frame) == 14 * 24 * 60
    assert trace.frame.index.tz is not None and trace.step == MIN
    assert len(trace.incidents) == 6
    assert list(trace.frame.columns) == ["requests", "errors", "error_ratio", "latency_p95_ms"]


def test_daily_and_weekly_seasonality() -> None:
    frame = generate_web_service(WebServiceSpec(start=T0, days=14), 0).frame
    by_hour = frame["requests"].groupby(frame.index.hour).mean()
    assert by_hour.idxmax() in (14, 15, 16) and by_hour.idxmin() in (2, 3, 4)
    weekend = frame.index.day_of_week >= 5
    ratio = frame["requests"][weekend].mean() / frame["requests"][~weekend].mean()
    assert ratio == pytest.approx(0.65, abs=0.03)  # the spec's weekend factor


def test_errors_never_exceed_requests_and_ratio_matches() -> None:
    frame = generate_web_service(sample_spec(), SAMPLE_SEED).frame
    assert (frame["errors"] <= frame["requests"]).all()
    np.testing.assert_allclose(frame["error_ratio"], frame["errors"] / frame["requests"], atol=5e-7)


@pytest.mark.parametrize(
    ("shape", "magnitude", "column", "inside_over_outside"),
    [
        ("step", 0.05, "error_ratio", 10.0),  # 0.052 vs 0.002: ~26x
        ("ramp", 0.08, "error_ratio", 10.0),  # mean of the ramp 0.04 vs 0.002
        ("flapping", 0.04, "error_ratio", 5.0),  # half of the time 0.04
        ("spike", 0.2, "error_ratio", 10.0),  # mean of the decay ~0.06
        ("latency_only", 3.0, "latency_p95_ms", 2.0),  # x3 latency
    ],
)
def test_incident_shapes_raise_their_metric_inside_the_window(
    shape: str, magnitude: float, column: str, inside_over_outside: float
) -> None:
    frame = one(shape, magnitude)
    window = (frame.index >= T0 + pd.Timedelta(hours=12)) & (
        frame.index < T0 + pd.Timedelta(hours=13)
    )
    around = (frame.index >= T0 + pd.Timedelta(hours=10)) & (
        frame.index < T0 + pd.Timedelta(hours=12)
    )
    assert frame[column][window].mean() > inside_over_outside * frame[column][around].mean()


def test_latency_only_leaves_errors_alone_and_traffic_drop_cuts_requests() -> None:
    base = one("step", 0.0)
    slow = one("latency_only", 3.0)
    assert slow["requests"].equals(base["requests"])
    drop = one("traffic_drop", 0.6)
    hour = (drop.index >= T0 + pd.Timedelta(hours=12)) & (drop.index < T0 + pd.Timedelta(hours=13))
    assert drop["requests"][hour].mean() / base["requests"][hour].mean() == pytest.approx(
        0.4, abs=0.02
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shape": "wobble"}, "injection.shape: 'wobble' is not one of"),
        ({"duration": pd.Timedelta(0)}, "duration and period must be positive"),
        ({"magnitude": 1.5, "shape": "traffic_drop"}, "magnitude 1.5 out of range"),
        ({"start": pd.Timestamp("2026-03-02")}, "must be tz-aware"),
    ],
)
def test_bad_injection_is_rejected(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"shape": "step", "start": T0, "duration": MIN, "magnitude": 0.1}
    with pytest.raises(TraceError, match=message):
        Injection(**(fields | kwargs))  # type: ignore[arg-type]


def test_injection_outside_the_trace_is_rejected() -> None:
    inj = Injection("step", T0 + pd.Timedelta(days=3), MIN, 0.1)
    with pytest.raises(TraceError, match="outside"):
        generate_web_service(WebServiceSpec(start=T0, days=1, injections=(inj,)), 0)
