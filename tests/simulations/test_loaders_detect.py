"""Trace files recognised by content, from any path: canonical, NAB, Microsoft, Prometheus.

The NAB and Microsoft files are the vendored real ones (``data/raw``, see its manifest), copied
to a folder of the user's own, as someone with a checkout of numenta/NAB or of Microsoft's
cloud-monitoring data set would have them; the Prometheus export is a real server's answer.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
from support.paths import ROOT
from support.prom import format_openmetrics, start_prometheus

from planner.cli import main
from simulations.exceptions import TraceError
from simulations.loaders.detect import detect_format, load_trace_file
from simulations.loaders.formats.canonical import write_trace
from simulations.loaders.read import read_traces

RAW = ROOT / "data" / "raw"
MANIFEST = {e["path"]: e for e in json.loads((RAW / "manifest.json").read_text())}
ELB = "nab/realAWSCloudwatch/elb_request_count_8c0756.csv"
CRASH = "ms/application-crash-rate-2/app2-01.begin-20180610.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("timestamp,value\n2014-04-10 00:02:00,42\n", "nab"),
        ("TimeStamp,Value,Label\n2018-06-17T00:00:00Z,1,0\n", "microsoft"),
        ("TimeStamp,Value\n2018-06-17T00:00:00Z,1\n", "microsoft"),
        ('"TimeStamp","Value","Label"\n"2018-06-17T00:00:00Z",1,0\n', "microsoft"),  # quoted
        ("\ufefftimestamp,value\n2014-04-10 00:02:00,42\n", "nab"),  # a BOM
        ("timestamp,error_ratio,requests\n2026-03-02T00:00:00Z,0.001,100\n", "canonical"),
        ('{"status":"success","data":{"resultType":"matrix","result":[]}}', "prometheus"),
    ],
)
def test_format_is_recognised_by_content_not_by_name(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "history.data"  # the name says nothing
    path.write_text(text, encoding="utf-8")
    assert detect_format(path) == expected


def test_parquet_is_canonical(tmp_path: Path) -> None:
    trace = read_traces([str(ROOT / "data/sample/web-service-14d.csv")])[0]
    path = write_trace(trace, tmp_path / "t.parquet")
    assert detect_format(path) == "canonical"


def test_json_that_is_not_a_range_answer_is_rejected_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"status":"success","data":{"resultType":"vector","result":[]}}')
    with pytest.raises(TraceError, match=r"x.json: JSON but not a Prometheus range-query answer"):
        detect_format(path)


def test_nab_file_with_its_labels_file_from_the_users_own_folder(tmp_path: Path) -> None:
    own = tmp_path / "history" / "elb_request_count_8c0756.csv"
    own.parent.mkdir()
    shutil.copy(RAW / ELB, own)
    # NAB's labels/combined_labels.json keys files by <category>/<file>.csv
    labels = tmp_path / "combined_labels.json"
    points = MANIFEST[ELB]["nab_point_labels"]
    labels.write_text(json.dumps({"realAWSCloudwatch/elb_request_count_8c0756.csv": points}))
    trace = read_traces([str(own)], [str(labels)])[0]
    assert "requests" in trace.frame.columns  # from the file name, as NAB names it
    assert len(trace.incidents) == len(points)  # one per point label
    assert trace.step == pd.Timedelta(seconds=MANIFEST[ELB]["interval_s"])


def test_nab_labels_file_without_this_file_is_rejected(tmp_path: Path) -> None:
    own = tmp_path / "elb.csv"
    shutil.copy(RAW / ELB, own)
    labels = tmp_path / "combined_labels.json"
    labels.write_text(json.dumps({"realKnownCause/other.csv": []}))
    with pytest.raises(
        TraceError,
        match=r"combined_labels.json: no labels for '\w+/elb.csv' or for a single '\*/elb.csv'",
    ):
        read_traces([str(own)], [str(labels)], metric="requests")


def test_microsoft_file_from_any_path_takes_its_label_column_as_incidents(
    tmp_path: Path,
) -> None:
    own = tmp_path / "crashes.csv"
    shutil.copy(RAW / CRASH, own)
    trace = read_traces([str(own)], metric="error_ratio")[0]
    assert list(trace.frame.columns) == ["error_ratio"]
    assert len(trace.incidents) == len(MANIFEST[CRASH]["label_runs"])  # one per labelled run


def test_format_override_wins_over_detection(tmp_path: Path) -> None:
    own = tmp_path / "crashes.csv"
    shutil.copy(RAW / CRASH, own)
    with pytest.raises(TraceError, match=r"crashes.csv"):
        load_trace_file(own, "nab", "error_ratio")  # a Microsoft header is not NAB's


@pytest.mark.prometheus
def test_a_saved_prometheus_range_answer_is_a_trace(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05T00:00Z", periods=240, freq="1min")
    values = pd.Series(np.linspace(0.001, 0.02, len(index)), index=index)
    om = format_openmetrics({"error_ratio": [({"job": "api"}, values)]})
    with start_prometheus(tmp_path / "prom", om) as server:
        answer = requests.get(
            f"{server.url}/api/v1/query_range",
            params={
                "query": "error_ratio",
                "start": str(index[0].timestamp()),
                "end": str(index[-1].timestamp()),
                "step": "60",
            },
            timeout=30,
        )
    export = tmp_path / "export.json"  # what `curl .../api/v1/query_range > export.json` saves
    export.write_bytes(answer.content)
    assert detect_format(export) == "prometheus"
    trace = read_traces([str(export)])[0]  # one series named by a canonical metric
    assert list(trace.frame.columns) == ["error_ratio"]
    assert trace.step == pd.Timedelta("1min")
    got = trace.frame["error_ratio"]
    assert got.to_numpy() == pytest.approx(values.reindex(got.index).to_numpy())


def test_backtest_reads_a_microsoft_file_with_the_format_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = tmp_path / "crashes.csv"
    shutil.copy(RAW / CRASH, own)
    argv = ["backtest", "--thresholds", str(ROOT / "data/thresholds/defaults.yaml")]
    argv += ["--trace", str(own), "--format", "microsoft", "--trace-metric", "error_ratio"]
    assert main(argv) == 0, capsys.readouterr().err
    runs = len(MANIFEST[CRASH]["label_runs"])  # the file's labelled runs, per the manifest
    assert f"{runs} incident(s)" in capsys.readouterr().out
