"""The NAB layout: point labels become incidents; windows are tolerances; vendored files load."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import ROOT

from simulations.exceptions import TraceError
from simulations.loaders.bundled import bundled_names, load_bundled
from simulations.loaders.formats.nab import guess_nab_metric, load_nab, parse_nab, parse_nab_labels

RAW = ROOT / "data" / "raw"
MANIFEST = {
    Path(e["path"]).name.split(".")[0]: e for e in json.loads((RAW / "manifest.json").read_text())
}
KEY = "realAWSCloudwatch/elb_request_count_x.csv"
FIVE = pd.Timedelta(minutes=5)


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_localize("UTC")


def nab_tree(tmp_path: Path) -> Path:
    """A miniature NAB checkout: data/realAWSCloudwatch/<file>.csv and labels/*.json."""
    data = tmp_path / "data" / "realAWSCloudwatch"
    data.mkdir(parents=True)
    rows = [f"2014-04-10 00:{m:02d}:00,{10 + m}" for m in range(4, 60, 5)]
    (data / "elb_request_count_x.csv").write_text("timestamp,value\n" + "\n".join(rows) + "\n")
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "combined_labels.json").write_text(json.dumps({KEY: ["2014-04-10 00:26:00"]}))
    windows = {KEY: [["2014-04-10 00:10:00.000000", "2014-04-10 00:40:00.000000"]]}
    (labels / "combined_windows.json").write_text(json.dumps(windows))
    return data / "elb_request_count_x.csv"


def test_point_label_becomes_a_one_step_incident_naming_its_window(tmp_path: Path) -> None:
    trace = load_nab(nab_tree(tmp_path))
    assert trace.metrics[0].name == "requests" and trace.step == FIVE
    assert len(trace.frame) == 12
    (incident,) = trace.incidents
    # 00:26 falls in the slot that starts at 00:24 (the grid starts at 00:04)
    assert (incident.start, incident.end) == (utc("2014-04-10 00:24"), utc("2014-04-10 00:29"))
    assert incident.cause == "NAB point label (scoring window 2014-04-10 00:10..2014-04-10 00:40)"


def test_explicit_label_files_and_missing_key(tmp_path: Path) -> None:
    path = nab_tree(tmp_path)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"realAWSCloudwatch/other.csv": ["2014-04-10 00:26:00"]}))
    assert load_nab(path, [other]).incidents == ()


def test_windows_can_be_used_as_incidents() -> None:
    labels = parse_nab_labels(
        json.dumps({KEY: [["2014-04-10 00:10:00", "2014-04-10 00:40:00"]]}), KEY
    )
    from simulations.loaders.formats.nab import nab_incidents

    grid = pd.date_range(utc("2014-04-10 00:04"), periods=12, freq=FIVE)
    (incident,) = nab_incidents(labels, grid, FIVE, "requests", use_windows=True)
    assert (incident.start, incident.end) == (utc("2014-04-10 00:10"), utc("2014-04-10 00:40"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1]", "expected an object keyed by"),
        ("{", r"lab.json:1: invalid JSON"),
        (
            json.dumps({KEY: "x"}),
            r"lab.json: realAWSCloudwatch/elb_request_count_x.csv: expected a list",
        ),
        (json.dumps({KEY: [3]}), r"\[0\]: 3 is neither a time nor a \[start, end\] pair"),
        (json.dumps({KEY: ["soon"]}), r"\[0\]: 'soon' is not a time"),
        (json.dumps({KEY: [["2014-04-10 01:00:00", "2014-04-10 00:00:00"]]}), "is not after"),
    ],
)
def test_bad_label_files_are_rejected(text: str, message: str) -> None:
    with pytest.raises(TraceError, match=message):
        parse_nab_labels(text, KEY, "lab.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("time,value\n", r"n.csv:1: header \['time', 'value'\] is not timestamp,value"),
        ("timestamp,value\n2014-04-10 00:00:00,abc\n", r"n.csv:2: value: 'abc' is not a number"),
        ("timestamp,value\nnoon,1\n", r"n.csv:2: timestamp: 'noon' is not a time"),
        ("timestamp,value\n2014-04-10 00:00:00,1,2\n", r"n.csv:2: 3 fields, expected 2"),
    ],
)
def test_bad_nab_rows_are_rejected(text: str, message: str) -> None:
    with pytest.raises(TraceError, match=message):
        parse_nab(text, "n.csv")


@pytest.mark.parametrize(
    ("name", "metric"),
    [
        ("elb_request_count_8c0756.csv", "requests"),
        ("rds_cpu_utilization_e47b3b.csv", "saturation"),
    ],
)
def test_metric_is_guessed_from_the_file_name(name: str, metric: str) -> None:
    assert guess_nab_metric(name) == metric


def test_unguessable_metric_is_rejected() -> None:
    with pytest.raises(TraceError, match="cannot tell what this NAB file measures"):
        guess_nab_metric("ec2_network_in_257a54.csv")


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_every_bundled_file_loads_with_the_manifest_incidents(name: str) -> None:
    entry = MANIFEST[name]
    trace = load_bundled(name)
    step = pd.Timedelta(seconds=entry["interval_s"])
    assert trace.step == step and trace.name == name
    assert trace.frame.index[0] == utc(entry["span"][0].rstrip("Z"))
    assert trace.frame.index[-1] == utc(entry["span"][1].rstrip("Z"))
    if "label_runs" in entry:
        expected = [
            (utc(a.rstrip("Z")), utc(b.rstrip("Z")) + step) for a, b, _ in entry["label_runs"]
        ]
    else:
        expected = [(utc(p), utc(p) + step) for p in entry["nab_point_labels"]]
    assert [(i.start, i.end) for i in trace.incidents] == expected


def test_bundled_cpu_percent_becomes_a_fraction_and_latency_zero_a_gap() -> None:
    cpu = load_bundled("rds_cpu_utilization_e47b3b")
    assert cpu.repairs.percent_normalised == ("saturation",)
    assert cpu.frame["saturation"].max() == pytest.approx(0.7623)
    latency = load_bundled("outbound-01")
    assert pd.isna(latency.frame.loc[utc("2018-06-21 05:00"), "latency_p95_ms"])
    assert latency.repairs.zero_runs_as_gaps == 1


def test_bundled_names_and_unknown_name() -> None:
    assert set(bundled_names()) == set(MANIFEST)
    with pytest.raises(TraceError, match="bundled trace 'nope' not found"):
        load_bundled("nope")


def test_bundled_file_that_differs_from_the_manifest_is_rejected(tmp_path: Path) -> None:
    entry = MANIFEST["outbound-01"]
    copy = tmp_path / entry["path"]
    copy.parent.mkdir(parents=True)
    copy.write_text((RAW / entry["path"]).read_text() + "2018-07-01T00:00:00Z,1,0\n")
    (tmp_path / "manifest.json").write_text(json.dumps([entry]))
    with pytest.raises(TraceError, match=r"sha256 differs from manifest\.json"):
        load_bundled("outbound-01", tmp_path)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(
                st.datetimes(min_value=pd.Timestamp("2000-01-01").to_pydatetime()).map(
                    lambda d: d.strftime("%Y-%m-%d %H:%M:%S")
                ),
                st.text(max_size=8),
            ),
            st.one_of(st.sampled_from(["", "1", "-2", "1e400", "x", "97.5"]), st.text(max_size=4)),
        ),
        max_size=6,
    ),
    labels=st.one_of(st.text(max_size=30), st.just(json.dumps({KEY: ["2014-04-10 00:26:00"]}))),
)
def test_any_nab_text_loads_or_raises_trace_error(rows: list[tuple[str, str]], labels: str) -> None:
    text = "timestamp,value\n" + "".join(f"{t},{v}\n" for t, v in rows)
    try:
        parse_nab(text, "fuzz.csv", "saturation", parse_nab_labels(labels, KEY))
    except TraceError:
        return
