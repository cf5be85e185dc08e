"""The Microsoft cloud-monitoring layout: both timestamp styles, quotes, gaps, labels as runs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import ROOT

from simulations.exceptions import TraceError
from simulations.loaders.formats.microsoft import load_microsoft, parse_microsoft

RAW = ROOT / "data" / "raw"
MANIFEST = json.loads((RAW / "manifest.json").read_text())
MS_FILES = [e for e in MANIFEST if e["path"].startswith("ms/")]


def utc(text: str) -> pd.Timestamp:
    ts = pd.Timestamp(text)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts


MESSY = (
    "TimeStamp,Value,Label\n"
    '"2018-06-17T00:00:00Z",10.5,0\n'
    "2018-06-17 01:00:00,11,1\n"  # the other style, unquoted, naive = UTC
    '"2018-06-17T02:00:00Z",,1\n'  # an empty value: missing, still labelled
    "2018-06-17 02:00:00,12,1\n"  # a duplicate timestamp (policy last)
    '"2018-06-17T05:00:00Z","13",0\n'  # a gap of two hours before it; a quoted value
    "2018-06-17 06:00:00,14,1\n"
)


def test_messy_file_loads_with_every_repair_counted() -> None:
    trace = parse_microsoft(MESSY, "m.csv", "latency_p95_ms")
    frame = trace.frame["latency_p95_ms"]
    assert frame.index[0] == utc("2018-06-17T00:00:00Z") and trace.step == pd.Timedelta(hours=1)
    assert frame.tolist()[:3] == [10.5, 11.0, 12.0]
    assert frame.isna().tolist() == [False, False, False, True, True, False, False]
    report = trace.repairs
    assert (report.rows_read, report.duplicates_dropped, report.empty_values) == (6, 1, 1)
    assert report.gaps_filled_with_nan == 2
    assert [(i.start, i.end) for i in trace.incidents] == [
        (utc("2018-06-17T01:00Z"), utc("2018-06-17T03:00Z")),  # the run 01:00-02:00
        (utc("2018-06-17T06:00Z"), utc("2018-06-17T07:00Z")),  # the single point 06:00
    ]
    assert all(i.metric == "latency_p95_ms" for i in trace.incidents)


@pytest.mark.parametrize("entry", MS_FILES, ids=lambda e: e["path"].split("/")[-1])
def test_vendored_files_give_the_manifest_label_runs(entry: dict[str, object]) -> None:
    trace = load_microsoft(RAW / str(entry["path"]), "latency_p95_ms")
    step = pd.Timedelta(seconds=int(entry["interval_s"]))  # type: ignore[call-overload]
    expected = [(utc(a), utc(b) + step) for a, b, _ in entry["label_runs"]]  # type: ignore[attr-defined]
    assert [(i.start, i.end) for i in trace.incidents] == expected
    assert trace.step == step


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Time,Value,Label\n", r"m.csv:1: header \['Time', 'Value', 'Label'\] is not"),
        ("TimeStamp,Value,Label\n2018-06-17,1,0\n", r"m.csv:2: TimeStamp: '2018-06-17' is not a"),
        ("TimeStamp,Value,Label\n2018-06-17 00:00:00,x,0\n", r"m.csv:2: Value: 'x' is not a num"),
        ("TimeStamp,Value,Label\n2018-06-17 00:00:00,1,2\n", r"m.csv:2: Label: '2' is not 0 or 1"),
        ("TimeStamp,Value,Label\n2018-06-17 00:00:00,1\n", r"m.csv:2: 2 fields, expected 3"),
        ("TimeStamp,Value,Label\n", r"m.csv: no usable rows"),
        (
            "TimeStamp,Value,Label\n2018-06-17 00:00:00,-1,0\n",
            r"m.csv:2: latency_p95_ms: -1.0 is neg",
        ),
        ("TimeStamp,Value,Label\n2018-13-40 00:00:00,1,0\n", r"m.csv:2: TimeStamp: '2018-13-40"),
    ],
)
def test_bad_rows_are_rejected_by_line(text: str, message: str) -> None:
    with pytest.raises(TraceError, match=message):
        parse_microsoft(text, "m.csv")


def test_unknown_metric_is_rejected() -> None:
    with pytest.raises(TraceError, match="column 'cpu' is not a canonical metric"):
        parse_microsoft(MESSY, "m.csv", "cpu")


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TraceError, match=r"nope.csv: cannot read"):
        load_microsoft(tmp_path / "nope.csv")


_stamp = st.one_of(
    st.datetimes(min_value=pd.Timestamp("2000-01-01").to_pydatetime()).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M:%S")
    ),
    st.datetimes().map(lambda d: '"' + d.strftime("%Y-%m-%dT%H:%M:%SZ") + '"'),
    st.text(max_size=10),
)
_cell = st.one_of(
    st.sampled_from(["", "0", "1", "2.5", "-1", "nan", "inf", '"3"', "x"]), st.text(max_size=4)
)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(_stamp, _cell, _cell), max_size=6), header=st.booleans())
def test_any_microsoft_text_loads_or_raises_trace_error(
    rows: list[tuple[str, str, str]], header: bool
) -> None:
    text = ("TimeStamp,Value,Label\n" if header else "") + "".join(
        f"{t},{v},{lab}\n" for t, v, lab in rows
    )
    try:
        trace = parse_microsoft(text, "fuzz.csv")
    except TraceError:
        return
    assert trace.frame.index.is_monotonic_increasing
