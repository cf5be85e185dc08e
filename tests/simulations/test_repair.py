"""Every repair is applied and counted; every rejection names the file, line, column and value."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulations.exceptions import TraceError
from simulations.loaders.formats.canonical import parse_canonical_csv
from simulations.traces.model import CANONICAL_METRICS
from simulations.traces.repair import RepairOptions, build_trace

SRC = "t.csv"


def csv(*rows: str, header: str = "timestamp,requests,errors,latency_p95_ms") -> str:
    return "\n".join((header, *rows)) + "\n"


def load(text: str, **opts: object) -> pd.DataFrame:
    return parse_canonical_csv(text, SRC, RepairOptions(**opts)).frame  # type: ignore[arg-type]


def test_clean_file_needs_no_repair() -> None:
    text = csv(
        "2026-01-01T00:00:00Z,100", "2026-01-01T00:01:00Z,110", header="timestamp,latency_p95_ms"
    )
    trace = parse_canonical_csv(text, SRC)
    assert trace.step == pd.Timedelta(minutes=1)
    assert trace.repairs.rows_read == 2
    assert str(trace.repairs) == "t.csv: 2 rows read\n  no repairs needed"


def test_error_ratio_is_derived_from_errors_and_requests() -> None:
    trace = parse_canonical_csv(
        csv("2026-01-01T00:00:00Z,10,1,100", "2026-01-01T00:01:00Z,20,0,110"), SRC
    )
    # error_ratio is derived when errors and requests are present and it is not
    assert trace.frame["error_ratio"].tolist() == [0.1, 0.0]
    assert "error_ratio derived" in trace.repairs.describe()


def test_unsorted_rows_are_sorted_and_counted() -> None:
    trace = parse_canonical_csv(
        csv(
            "2026-01-01T00:02:00Z,30,0,1",
            "2026-01-01T00:00:00Z,10,0,1",
            "2026-01-01T00:01:00Z,20,0,1",
        ),
        SRC,
    )
    assert trace.frame["requests"].tolist() == [10, 20, 30]
    assert trace.repairs.unsorted_rows == 2
    assert "sorted: 2 rows were out of time order" in trace.repairs.describe()


def test_unsorted_rows_are_rejected_when_sorting_is_off() -> None:
    text = csv("2026-01-01T00:01:00Z,1,0,1", "2026-01-01T00:00:00Z,1,0,1")
    with pytest.raises(
        TraceError, match=r"t.csv:3: timestamp 2026-01-01T00:00:00\+00:00 is before"
    ):
        load(text, sort=False)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("first", 10.0),  # keeps the first row of the duplicated timestamp
        ("last", 30.0),  # keeps the last
        ("mean", 20.0),  # averages the three
    ],
)
def test_duplicates_follow_the_named_policy(policy: str, expected: float) -> None:
    text = csv(
        "2026-01-01T00:00:00Z,10,0,1",
        "2026-01-01T00:00:00Z,20,0,1",
        "2026-01-01T00:00:00Z,30,0,1",
        "2026-01-01T00:01:00Z,5,0,1",
    )
    trace = parse_canonical_csv(text, SRC, RepairOptions(duplicates=policy))  # type: ignore[arg-type]
    assert trace.frame["requests"].iloc[0] == expected
    assert trace.repairs.duplicates_dropped == 2
    assert f"2 duplicate-timestamp rows dropped (policy: {policy})" in str(trace.repairs)


def test_unknown_duplicate_policy_is_rejected() -> None:
    with pytest.raises(TraceError, match="duplicates: 'max' is not one of first, last, mean"):
        RepairOptions(duplicates="max")  # type: ignore[arg-type]


def test_gaps_become_nan_not_zero_and_are_counted() -> None:
    trace = parse_canonical_csv(
        csv(
            "2026-01-01T00:00:00Z,10,0,1",
            "2026-01-01T00:01:00Z,10,0,1",
            "2026-01-01T00:04:00Z,10,0,1",
        ),
        SRC,
    )
    assert len(trace.frame) == 5
    assert trace.frame["requests"].isna().tolist() == [False, False, True, True, False]
    assert trace.repairs.gaps_filled_with_nan == 2
    assert "gaps: 2 missing steps filled with NaN" in str(trace.repairs)


def test_empty_cells_are_missing_and_counted() -> None:
    trace = parse_canonical_csv(csv("2026-01-01T00:00:00Z,10,,1", "2026-01-01T00:01:00Z,,0,"), SRC)
    assert trace.repairs.empty_values == 3
    assert math.isnan(trace.frame["errors"].iloc[0])


@pytest.mark.parametrize(
    ("min_run", "nan_rows"),
    [
        (None, []),  # zeros are kept by default
        (2, [1, 2]),  # the run of two zeros is a gap, the single zero at row 4 is kept
        (3, []),  # no run is that long
    ],
)
def test_runs_of_zeros_can_be_telemetry_gaps(min_run: int | None, nan_rows: list[int]) -> None:
    header = "timestamp,latency_p95_ms"
    rows = [f"2026-01-01T00:0{i}:00Z,{v}" for i, v in enumerate([5, 0, 0, 5, 0, 5])]
    trace = parse_canonical_csv(
        csv(*rows, header=header), SRC, RepairOptions(zero_gap_min_run=min_run)
    )
    assert list(np.flatnonzero(trace.frame["latency_p95_ms"].isna())) == nan_rows
    assert trace.repairs.zero_runs_as_gaps == (1 if nan_rows else 0)


def test_percent_ratio_becomes_fraction() -> None:
    header = "timestamp,error_ratio,saturation"
    trace = parse_canonical_csv(
        csv("2026-01-01T00:00:00Z,0.5,50", "2026-01-01T00:01:00Z,0.2,75", header=header), SRC
    )
    assert trace.frame["saturation"].tolist() == [0.5, 0.75]
    assert trace.frame["error_ratio"].tolist() == [0.5, 0.2]  # already a fraction
    assert trace.repairs.percent_normalised == ("saturation",)
    assert "percent -> fraction: saturation" in str(trace.repairs)


def test_off_grid_rows_are_merged_into_their_slot() -> None:
    trace = parse_canonical_csv(
        csv(
            "2026-01-01T00:00:00Z,10,1,100",
            "2026-01-01T00:01:00Z,10,1,100",
            "2026-01-01T00:01:30Z,4,1,200",
            "2026-01-01T00:02:00Z,10,1,100",
            "2026-01-01T00:03:00Z,10,1,100",
            "2026-01-01T00:04:00Z,10,1,100",
        ),
        SRC,
    )
    assert trace.frame["requests"].tolist() == [10, 14, 10, 10, 10]  # counts add up
    assert trace.frame["latency_p95_ms"].tolist() == [100, 150, 100, 100, 100]  # stats average
    assert trace.repairs.resampled_to == "0 days 00:01:00"
    assert "1 rows off the 0 days 00:01:00 grid were merged" in str(trace.repairs)


def test_resample_to_a_coarser_step() -> None:
    rows = [f"2026-01-01T00:0{i}:00Z,10,1,{100 + i}" for i in range(6)]
    trace = parse_canonical_csv(csv(*rows), SRC, RepairOptions(step=pd.Timedelta(minutes=3)))
    assert trace.frame["requests"].tolist() == [30, 30]
    assert trace.frame["latency_p95_ms"].tolist() == [101, 104]
    assert trace.step == pd.Timedelta(minutes=3)
    assert "resampled to a regular step of 0 days 00:03:00" in str(trace.repairs)


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        # a negative count
        (None, ["2026-01-01T00:00:00Z,-3,0,1"], r"t.csv:2: requests: -3.0 is negative"),
        # errors greater than requests, on the third line
        (
            None,
            ["2026-01-01T00:00:00Z,3,0,1", "2026-01-01T00:01:00Z,3,4,1"],
            r"t.csv:3: errors 4.0 > requests 3.0 \(errors must not exceed requests\)",
        ),
        # a ratio that is neither a fraction nor a percent
        ("timestamp,error_ratio", ["2026-01-01T00:00:00Z,250"], r"250.0 is above 100"),
        # infinity
        ("timestamp,latency_p95_ms", ["2026-01-01T00:00:00Z,inf"], r"inf is not a finite"),
        # an unknown column
        ("timestamp,cpu", ["2026-01-01T00:00:00Z,1"], r"t.csv:1: column 'cpu' is not a canonical"),
        # no timestamp column
        ("time,requests", ["2026-01-01T00:00:00Z,1"], r"t.csv:1: no 'timestamp' column"),
        # header only
        (None, [], r"t.csv: no usable rows \(no data after the header\)"),
        # every value missing
        ("timestamp,requests", ["2026-01-01T00:00:00Z,", "2026-01-01T00:01:00Z,"], "every value"),
        # a bad timestamp
        ("timestamp,requests", ["yesterday,1"], r"t.csv:2: timestamp: 'yesterday' is not an ISO"),
        # a bad number
        (
            "timestamp,requests",
            ["2026-01-01T00:00:00Z,1", "2026-01-01T00:01:00Z,lots"],
            "t.csv:3: requests: 'lots' is not a number",
        ),
        # one row: the step cannot be inferred
        ("timestamp,requests", ["2026-01-01T00:00:00Z,1"], "cannot infer the step"),
        # an empty file
        ("", [], "t.csv: empty file"),
    ],
)
def test_rejections_name_line_column_and_value(
    header: str | None, rows: list[str], message: str
) -> None:
    text = csv(*rows) if header is None else csv(*rows, header=header)
    with pytest.raises(TraceError, match=message):
        parse_canonical_csv(text if header != "" else "", SRC)


def test_one_row_loads_with_an_explicit_step() -> None:
    text = csv("2026-01-01T00:00:00Z,1", header="timestamp,requests")
    trace = parse_canonical_csv(text, SRC, RepairOptions(step=pd.Timedelta(minutes=5)))
    assert trace.step == pd.Timedelta(minutes=5) and len(trace.frame) == 1


def test_a_huge_grid_is_rejected() -> None:
    text = csv(
        "1970-01-01T00:00:00Z,1", "2026-01-01T00:00:00.000001Z,1", header="timestamp,requests"
    )
    with pytest.raises(TraceError, match="over the limit of 5,000,000 time steps"):
        parse_canonical_csv(text, SRC, RepairOptions(step=pd.Timedelta(seconds=1)))


def test_naive_and_offset_timestamps_are_utc() -> None:
    text = csv("2026-01-01 00:00:00,1", "2026-01-01T02:01:00+02:00,2", header="timestamp,requests")
    trace = parse_canonical_csv(text, SRC)
    assert list(trace.frame.index) == [
        pd.Timestamp("2026-01-01T00:00:00Z"),
        pd.Timestamp("2026-01-01T00:01:00Z"),
    ]


def test_times_outside_the_nanosecond_range_are_rejected() -> None:
    text = csv("2263-01-01T00:00:00Z,1", "2263-01-01T00:01:00Z,1", header="timestamp,requests")
    with pytest.raises(TraceError, match=r"t\.csv: timestamps must lie between 1677-09-22"):
        parse_canonical_csv(text, SRC)


@settings(max_examples=100, deadline=None)
@given(
    slots=st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=30),
    policy=st.sampled_from(["first", "last", "mean"]),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_repair_invariants(slots: list[int], policy: str, seed: int) -> None:
    """Shuffled rows with duplicates on a 1-minute grid: sorted, unique, nothing lost or made up."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2026-01-01T00:00:00Z")
    index = pd.DatetimeIndex([t0 + s * pd.Timedelta(minutes=1) for s in slots])
    frame = pd.DataFrame({"latency_p95_ms": rng.uniform(1, 100, len(slots))}, index=index)
    frame = frame.iloc[rng.permutation(len(frame))]
    trace = build_trace(
        frame,
        (CANONICAL_METRICS["latency_p95_ms"],),
        source="h",
        options=RepairOptions(duplicates=policy, step=pd.Timedelta(minutes=1)),  # type: ignore[arg-type]
    )
    unique = sorted(set(slots))
    out = trace.frame["latency_p95_ms"]
    assert out.index.is_monotonic_increasing and out.index.is_unique
    assert len(out) == unique[-1] - unique[0] + 1
    assert int(out.notna().sum()) == len(unique)
    assert trace.repairs.duplicates_dropped == len(slots) - len(unique)
    assert trace.repairs.gaps_filled_with_nan == len(out) - len(unique)
    assert out.min() >= frame["latency_p95_ms"].min() and out.max() <= frame["latency_p95_ms"].max()


def test_describe_lists_every_repair() -> None:
    text = csv(
        "2026-01-01T00:02:00Z,0,0,",
        "2026-01-01T00:00:00Z,10,1,100",
        "2026-01-01T00:00:00Z,12,1,100",
        "2026-01-01T00:01:00Z,0,0,5",
        "2026-01-01T00:05:00Z,3,0,5",
        "2026-01-01T00:06:00Z,3,0,5",
    )
    trace = parse_canonical_csv(text, SRC, RepairOptions(zero_gap_min_run=2))
    assert trace.repairs.describe().splitlines() == [
        "t.csv: 6 rows read",
        "  sorted: 3 rows were out of time order",
        "  de-duplicated: 1 duplicate-timestamp rows dropped (policy: last)",
        "  missing: 1 empty values kept as NaN",
        "  zero runs: 2 runs of zeros treated as gaps",
        "  gaps: 2 missing steps filled with NaN",
        "  error_ratio derived as errors / requests (missing where requests = 0)",
    ]


def test_merging_rows_recomputes_error_ratio_from_the_counts() -> None:
    header = "timestamp,requests,errors,error_ratio"
    text = csv(
        "2026-01-01T00:00:00Z,100,10,0.1",
        "2026-01-01T00:00:30Z,900,0,0.0",  # merged into 00:00: mean of ratios would say 0.05
        "2026-01-01T00:01:00Z,10,1,0.1",
        "2026-01-01T00:02:00Z,10,1,0.1",
        header=header,
    )
    trace = parse_canonical_csv(text, SRC, RepairOptions(step=pd.Timedelta(minutes=1)))
    assert trace.frame["error_ratio"].tolist() == [0.01, 0.1, 0.1]  # 10 / 1000, not 0.05
    assert "error_ratio recomputed as errors / requests after merging" in str(trace.repairs)
