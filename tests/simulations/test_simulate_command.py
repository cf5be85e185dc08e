"""``devops-planner simulate``: summary table, output files, one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from support.paths import ROOT, plan_dict
from support.replay_fixtures import make_trace

from planner.cli import main


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    trace = make_trace(n=4000, error_ratio=0.001, seed=1, incidents=((2000, 2030, 0.2, 900.0),))
    frame = trace.frame.reset_index()
    frame["timestamp"] = frame["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    csv = tmp_path / "trace.csv"
    frame.to_csv(csv, index=False)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_dict()), encoding="utf-8")
    return {"trace": csv, "plan": plan}


def args(files: dict[str, Path], *extra: str) -> list[str]:
    return [
        "simulate",
        "--plan",
        str(files["plan"]),
        "--trace",
        str(files["trace"]),
        "--incident",
        "2026-03-03T09:20:00Z/2026-03-03T09:50:00Z",
        "--runs",
        "40",
        *extra,
    ]


def test_json_output_has_the_summary_percentiles(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "result.json"
    code = main(args(files, "--detector", "static", "flagger", "--workers", "1", "-o", str(out)))
    assert code == 0
    printed = capsys.readouterr().out
    assert "onset stage" in printed and "Canary" in printed
    summary = json.loads(out.read_text())["summary"]
    assert summary["runs"] == 40
    assert 0 <= summary["detected_fraction"] <= 1
    for key in ("time_to_detect_minutes", "time_to_rollback_minutes"):
        assert set(summary[key]) == {"p50", "p95", "p99"}
    assert set(summary["blast_radius"]) == {"failed_requests", "users", "exposure_minutes"}
    assert set(summary["blast_radius"]["users"]) == {"p50", "p95", "p99"}


def test_every_rate_has_its_interval_and_sample_size(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One labelled incident replayed 40 times is one incident's worth of evidence: the
    # detected share's interval is Wilson's on n = 1, whatever the runs show.
    out = tmp_path / "result.json"
    assert main(args(files, "--workers", "1", "-o", str(out))) == 0
    printed = capsys.readouterr().out
    summary = json.loads(out.read_text())["summary"]
    for block in (summary, *summary["by_onset_stage"].values()):
        assert block["runs_with_incident"] == block["runs"] and block["distinct_incidents"] == 1
        low, high = block["detected_fraction_ci95"]
        assert low <= block["detected_fraction"] <= high
        assert high - low > 0.75  # n = 1: at least [0.21, 1] or [0, 0.79]
        assert 1 <= block["effective_runs"] <= block["runs"]
        low, high = block["false_rollback_fraction_ci95"]
        assert low <= block["false_rollback_fraction"] <= high
    assert "detected [95% CI]" in printed and "incident runs / incidents" in printed
    assert f"{summary['runs']} / 1" in printed


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_runs_table_output(files: dict[str, Path], tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"runs.{suffix}"
    assert main(args(files, "--workers", "1", "--seed", "3", "-o", str(out))) == 0
    runs = pd.read_csv(out) if suffix == "csv" else pd.read_parquet(out)
    assert len(runs) == 40 and {"failed_requests", "time_to_rollback_minutes"} <= set(runs)


def test_same_seed_same_bytes(files: dict[str, Path], tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(args(files, "--seed", "5", "--workers", "1", "-o", str(a))) == 0
    assert main(args(files, "--seed", "5", "--workers", "2", "-o", str(b))) == 0
    assert a.read_bytes() == b.read_bytes()


def _plan_with(files: dict[str, Path], change: Any) -> None:
    data = plan_dict()
    change(data)
    files["plan"].write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "extra", "match"),
    [
        # a plan without stages
        (lambda d: d.update(stages=[]), [], "stages: expected at least one item"),
        # an exposure outside 0-100
        (
            lambda d: d["stages"][2].update(exposure_percent=150),
            [],
            r"exposure_percent: 150 must be <= 100",
        ),
        # a negative bake time
        (
            lambda d: d["stages"][2].update(wait_minutes={"min": -5, "max": 10}),
            [],
            r"stages\[2\]\.wait_minutes\.min: -5 must be >= 0",
        ),
        # an incident outside the trace
        (None, ["--incident", "2027-01-01T00:00:00Z/2027-01-01T01:00:00Z"], "is outside the trace"),
        # an incident that ends before it starts
        (
            None,
            ["--incident", "2026-03-03T09:50:00Z/2026-03-03T09:20:00Z"],
            "end must be after start",
        ),
        (None, ["--incident", "yesterday/today"], "is not an ISO 8601 time"),
        (None, ["--detector", "magic"], "'magic' is not one of"),
        (None, ["--metric", "saturation"], "no exposed stage monitors 'saturation'"),
        (None, ["--runs", "0"], "argument --runs: '0' must be >= 1"),
        (None, ["--seed", "-3"], "argument --seed: '-3' must be >= 0"),
        (None, ["-o", "out.txt"], "expected a .json, .csv or .parquet file"),
        (None, ["--escalation", "2"], "argument --escalation: '2' must be <= 1"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Any,
    extra: list[str],
    match: str,
) -> None:
    import re

    if edit is not None:
        _plan_with(files, edit)
    out = tmp_path / "never.json"
    argv = args(files, "--workers", "1", "-o", str(out), *extra)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and re.search(match, err), err
    assert not out.exists()


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda d: d.update(stages=[]), "stages: expected at least one item"),
        (lambda d: d["stages"][2].update(exposure_percent=150), "150 must be <= 100"),
        (lambda d: d.update(schema_version=None), "schema_version"),
    ],
)
def test_a_bad_plan_error_names_the_plan_file(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], edit: Any, match: str
) -> None:
    # The user has several plan files; the one line must say which one is wrong.
    _plan_with(files, edit)
    assert main(args(files, "--workers", "1")) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(files["plan"]) in err and match in err, err


def test_burn_rate_is_accepted_as_in_thresholds_files(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # Thresholds files and `tune --family` spell the family burn_rate; simulate must agree.
    assert main(args(files, "--workers", "1", "--detector", "burn_rate")) == 0
    underscored = capsys.readouterr().out
    assert main(args(files, "--workers", "1", "--detector", "burnrate")) == 0
    assert capsys.readouterr().out == underscored


def test_trace_resolution_matches_backtest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `backtest` reads the sample's labels from its sidecar and takes bundled series by name;
    # `simulate` on the same --trace must replay the same incidents, not treat them as healthy.
    root = ROOT
    sample = root / "data" / "sample" / "web-service-14d.csv"
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_dict()), encoding="utf-8")
    out = tmp_path / "s.json"
    base = ["simulate", "--plan", str(plan), "--runs", "20", "--workers", "1"]
    assert main([*base, "--trace", str(sample), "-o", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["incidents"]) == 6
    capsys.readouterr()
    argv = [*base, "--trace", "app2-01", "-o", str(out)]
    assert main(argv) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["incidents"]  # the manifest's labels


def test_plan_detectors_follow_a_coarser_trace_step() -> None:
    # The plan's "for 10 minutes" on a 5-minute series: Flagger checks every 5m, so 2 failed
    # checks span the same 10 minutes; Argo's 5m interval already fits; on an hourly series
    # everything is one step (60 min), and Flagger needs 1 check (10/60 rounds to 0, floor 1).
    from planner.model import Plan
    from simulations.detectors import ArgoAnalysis, FlaggerAnalysis, StaticThreshold
    from simulations.detectors.from_plan import detectors_from_plan

    plan = Plan.from_dict(plan_dict())
    fam = ("static", "argo", "flagger")
    static, argo, flagger = detectors_from_plan(plan, "error_ratio", fam, 5.0)
    assert isinstance(static, StaticThreshold) and static.evaluation_interval_minutes == 5.0
    assert isinstance(argo, ArgoAnalysis) and argo.interval_minutes == 5.0
    assert isinstance(flagger, FlaggerAnalysis)
    assert (flagger.interval_minutes, flagger.threshold) == (5.0, 2)
    *_, hourly = detectors_from_plan(plan, "error_ratio", fam, 60.0)
    assert isinstance(hourly, FlaggerAnalysis)
    assert (hourly.interval_minutes, hourly.threshold) == (60.0, 1)
