"""Canonical CSV and Parquet: exact round trips, clear rejections, never a foreign exception."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulations.exceptions import TraceError
from simulations.loaders.formats.canonical import load_trace, parse_canonical_csv, write_trace
from simulations.sources.synthetic import WebServiceSpec, generate_web_service

T0 = pd.Timestamp("2026-03-02T00:00:00Z")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_written_trace_loads_back_identically(tmp_path: Path, suffix: str) -> None:
    trace = generate_web_service(WebServiceSpec(start=T0, days=1), seed=5)
    path = write_trace(trace, tmp_path / f"t{suffix}")
    again = load_trace(path)
    pd.testing.assert_frame_equal(again.frame, trace.frame, check_freq=False)
    assert again.step == trace.step
    assert [m.name for m in again.metrics] == [m.name for m in trace.metrics]
    assert again.repairs.rows_read == len(trace.frame)
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed away


def test_missing_values_survive_a_round_trip(tmp_path: Path) -> None:
    text = "timestamp,requests,latency_p95_ms\n2026-01-01T00:00:00Z,,5.5\n2026-01-01T00:01:00Z,3,\n"
    trace = parse_canonical_csv(text, "x.csv")
    again = load_trace(write_trace(trace, tmp_path / "x.csv"))
    pd.testing.assert_frame_equal(again.frame, trace.frame, check_freq=False)
    assert (tmp_path / "x.csv").read_text().splitlines()[1] == "2026-01-01T00:00:00Z,,5.5"


def test_labelled_columns_are_canonical(tmp_path: Path) -> None:
    text = (
        'timestamp,"error_ratio{pod=""a""}"\n2026-01-01T00:00:00Z,0.1\n2026-01-01T00:01:00Z,0.2\n'
    )
    trace = parse_canonical_csv(text, "x.csv")
    assert trace.metrics[0].name == 'error_ratio{pod="a"}'
    assert trace.metrics[0].kind == "error_ratio"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("t.json", r"t.json: unknown trace format '.json' \(expected .csv or .parquet\)"),
        ("missing.csv", r"missing.csv: cannot read: No such file"),
    ],
)
def test_bad_paths_are_rejected(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(TraceError, match=message):
        load_trace(tmp_path / name)


def test_write_to_unknown_suffix_is_rejected(tmp_path: Path) -> None:
    trace = generate_web_service(WebServiceSpec(start=T0, days=0.01), seed=5)
    with pytest.raises(TraceError, match=r"unknown trace format '.txt'"):
        write_trace(trace, tmp_path / "t.txt")


def test_garbage_parquet_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "t.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(TraceError, match=r"t.parquet: not a readable Parquet file"):
        load_trace(tmp_path / "t.parquet")


_cells = st.one_of(
    st.sampled_from(["", "0", "1", "-1", "1e3", "nan", "inf", "50", "0.5", "x", '"', "1,2"]),
    st.text(max_size=6),
)
_times = st.one_of(
    st.sampled_from(["2026-01-01T00:00:00Z", "2026-01-01 00:01:00", "2026-01-01T00:02:00+01:00"]),
    st.datetimes().map(lambda d: d.isoformat()),
    st.text(max_size=8),
)
_headers = st.lists(
    st.sampled_from(["timestamp", "requests", "errors", "error_ratio", "saturation", "cpu", ""]),
    min_size=0,
    max_size=4,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=_headers, rows=st.lists(st.tuples(_times, _cells, _cells), max_size=6))
def test_any_csv_loads_or_raises_trace_error(
    header: list[str], rows: list[tuple[str, str, str]]
) -> None:
    text = ",".join(header) + "\n" + "".join(f"{t},{a},{b}\n" for t, a, b in rows)
    try:
        trace = parse_canonical_csv(text, "fuzz.csv")
    except TraceError:
        return
    assert trace.frame.index.is_monotonic_increasing and trace.frame.index.tz is not None


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=200))
def test_any_bytes_load_or_raise_trace_error(data: bytes) -> None:
    with contextlib.suppress(TraceError):
        parse_canonical_csv(data, "fuzz.csv")
