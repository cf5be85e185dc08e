"""``devops-planner backtest`` and ``tune`` on real and synthetic data; bad input: one line, 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from support.paths import PLAN_FIXTURE, ROOT

from planner.cli import main
from planner.thresholds import load_thresholds
from simulations.loaders.formats.canonical import write_trace
from simulations.sources.synthetic import Injection, WebServiceSpec, generate_web_service

SAMPLE = str(ROOT / "data" / "sample" / "web-service-14d.csv")
DEFAULTS = str(ROOT / "data" / "thresholds" / "defaults.yaml")
PLAN_MIN = str(PLAN_FIXTURE)
START = pd.Timestamp("2026-03-02T00:00Z")


def _err_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line, no traceback
    return err


def test_backtest_prints_a_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bt.json"
    assert main(["backtest", "--thresholds", DEFAULTS, "--trace", SAMPLE, "-o", str(out)]) == 0
    table = capsys.readouterr().out
    assert "reference-plan" in table and "false rb/100" in table
    rules = json.loads(out.read_text(encoding="utf-8"))["rules"]
    keys = {
        "name",
        "precision",
        "recall",
        "detection_minutes",
        "reset_minutes",
        "false_rollbacks_per_100_deploys",
        "blast_radius",
        "missed",
        "false_alarms",
    }
    assert [r["name"] for r in rules][:2] == ["reference-plan", "flagger-default"]
    for r in rules:
        assert keys <= set(r)
        assert set(r["detection_minutes"]) >= {"p50", "p95"}
        assert set(r["blast_radius"]) >= {"p50", "p95"}


def test_backtest_runs_on_the_vendored_real_series(capsys: pytest.CaptureFixture[str]) -> None:
    # Microsoft latency (hourly) and crash rate, NAB request count (5-minute): mixed steps.
    args = ["backtest", "--thresholds", DEFAULTS, "--trace", "outbound-01", "app2-01"]
    assert main([*args, "elb_request_count_8c0756", "--lead", "1h"]) == 0
    assert "sre-burn-rate" in capsys.readouterr().out


def test_tune_writes_a_thresholds_file_the_plan_can_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tuned.yaml"
    report = tmp_path / "tune.json"
    argv = ["tune", "--train", SAMPLE, "--split-at", "2026-03-09T00:00Z", "--family", "static"]
    assert main([*argv, "-o", str(out), "--report", str(report)]) == 0
    text = capsys.readouterr().out
    assert "Pareto front (train):" in text and "TRAIN:" in text and "TEST:" in text
    tuned = load_thresholds(out)
    assert tuned.rule_sets[0].name == "tuned"
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["train"]["traces"] != data["test"]["traces"]  # never mixed


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ("rule_sets: [{name: a, family: nagios, metric: x, critical: 1}]", "is not one of"),
        ("rule_sets: [{name: a, family: static, metric: x, critical: 1, bogus: 2}]", "'bogus'"),
        (
            "rule_sets: [{name: a, family: static, metric: x, critical: 0.005, warning: 0.01}]",
            "looser than critical",
        ),
        ("rule_sets: [{name: a, family: static, metric: x, critical: 1, for: soon}]", "duration"),
    ],
)
def test_bad_thresholds_file_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], thresholds: str, message: str
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(thresholds + "\n", encoding="utf-8")
    assert main(["backtest", "--thresholds", str(path), "--trace", SAMPLE]) == 2
    assert message in _err_line(capsys)


def test_labels_outside_their_trace_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = tmp_path / "late.yaml"
    labels.write_text(
        "incidents:\n- {start: '2027-01-01T00:00:00Z', end: '2027-01-01T01:00:00Z'}\n",
        encoding="utf-8",
    )
    argv = ["backtest", "--thresholds", DEFAULTS, "--trace", SAMPLE, "--labels", str(labels)]
    assert main(argv) == 2
    assert "late.yaml: incident 2027-01-01T00:00:00+00:00" in _err_line(capsys)


def test_empty_training_set_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quiet = tmp_path / "quiet.csv"
    write_trace(generate_web_service(WebServiceSpec(start=START, days=1.0), seed=1), quiet)
    assert main(["tune", "--train", str(quiet)]) == 2
    assert "training set is empty" in _err_line(capsys)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--labels", "a.yaml", "b.yaml"], "--labels: 2 file(s) for 1 trace(s)"),
        (["--lead", "soon"], "--lead: 'soon' is not a duration"),
        (["--deploy-every", "0s"], "--deploy-every: '0s' must be longer than 0"),
    ],
)
def test_bad_options_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(["backtest", "--thresholds", DEFAULTS, "--trace", SAMPLE, *extra]) == 2
    assert message in _err_line(capsys)


def test_tune_split_and_budget_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tune", "--train", SAMPLE, "--split-at", "1999-01-01T00:00Z"]) == 2
    assert "not inside any trace" in _err_line(capsys)
    assert main(["tune", "--train", SAMPLE, "--false-rollback-budget", "-1"]) == 2
    assert "must be >= 0" in _err_line(capsys)
    assert main(["tune", "--train", SAMPLE, "--test", SAMPLE, "--split-at", "2026-03-09"]) == 2
    assert "cannot be combined with --test" in _err_line(capsys)


def test_traffic_drop_trace_round_trip_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inj = Injection("traffic_drop", START + pd.Timedelta(hours=30), pd.Timedelta(hours=1), 0.7)
    trace = generate_web_service(WebServiceSpec(start=START, days=2.0, injections=(inj,)), 3)
    path = tmp_path / "drop.csv"
    write_trace(trace, path)
    (tmp_path / "drop.incidents.yaml").write_text(
        "incidents:\n- {start: '2026-03-03T06:00:00Z', end: '2026-03-03T07:00:00Z', "
        "metric: requests}\n",
        encoding="utf-8",
    )
    rules = tmp_path / "drop.yaml"
    rules.write_text(
        "rule_sets:\n- name: drop\n  family: static\n  metric: requests\n  direction: below\n"
        "  critical: 0.5\n  relative: {method: ratio, window: 1h}\n  for: 5m\n",
        encoding="utf-8",
    )
    out = tmp_path / "drop.json"
    assert main(["backtest", "--thresholds", str(rules), "--trace", str(path), "-o", str(out)]) == 0
    drop = json.loads(out.read_text(encoding="utf-8"))["rules"][0]
    assert drop["name"] == "drop" and drop["recall"] == 1.0


def test_replay_model_blast_radius_beside_the_backtest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = PLAN_MIN
    out = tmp_path / "bt.json"
    argv = ["backtest", "--thresholds", DEFAULTS, "--trace", SAMPLE, "--plan", plan]
    assert main([*argv, "--replay-runs", "20", "--seed", "3", "-o", str(out)]) == 0
    assert "replay failed req p50/p95" in capsys.readouterr().out
    rules = json.loads(out.read_text(encoding="utf-8"))["rules"]
    replay = rules[0]["replay"]
    assert replay["model"] == "simulations.replay" and replay["runs"] == 20
    again = tmp_path / "again.json"
    assert main([*argv, "--replay-runs", "20", "--seed", "3", "-o", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()  # same seed, same bytes
    assert set(replay["blast_radius"]) >= {"failed_requests", "users", "exposure_minutes"}
    assert (
        main(["backtest", "--thresholds", DEFAULTS, "--trace", SAMPLE, "--replay-runs", "5"]) == 2
    )
    assert "--replay-runs needs --plan" in _err_line(capsys)


def test_unreachable_dask_scheduler_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["tune", "--train", SAMPLE, "--dask", "tcp://127.0.0.1:9"]) == 2
    assert "--dask tcp://127.0.0.1:9: cannot connect" in _err_line(capsys)


def test_tune_on_a_dask_cluster_matches_the_local_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from distributed import LocalCluster

    argv = ["tune", "--train", SAMPLE, "--family", "static", "--deploy-every", "6h"]
    local, remote = tmp_path / "local.yaml", tmp_path / "remote.yaml"
    assert main([*argv, "-o", str(local)]) == 0
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False) as cluster:
        assert main([*argv, "--dask", cluster.scheduler_address, "-o", str(remote)]) == 0
    capsys.readouterr()
    assert load_thresholds(local).rule_sets == load_thresholds(remote).rule_sets


def test_table_flags_rule_sets_that_cannot_see_the_trace(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # outbound-01 has only latency_p95_ms: Flagger's defaults (success rate, p99) and the
    # Argo/burn-rate examples have no metric there. A bare "recall 0.00, false rb 0.0" would
    # read as "evaluated and useless"; the row must say "n/a": not applicable (issue 15).
    assert main(["backtest", "--thresholds", DEFAULTS, "--trace", "outbound-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {ln.split()[0]: ln for ln in lines if ln and ln.split()[0] in {"flagger-default"}}
    ref = next(ln for ln in lines if ln.startswith("reference-plan"))
    assert "!" in rows["flagger-default"] and "!" not in ref
    assert rows["flagger-default"].split()[-1] == "n/a"  # and nothing else: no figure
    assert "n/a" not in ref
    assert any(
        ln.startswith("!") and "outbound-01" in ln and "not applicable" in ln for ln in lines
    )


def test_a_test_set_without_incidents_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The sample's last labelled incident ends 2026-03-13T11:30Z: after a 03-15 split the test
    # half has none. The error must speak of the test set, before the sweep, and write nothing.
    out = tmp_path / "tuned.yaml"
    argv = ["tune", "--train", SAMPLE, "--split-at", "2026-03-15T00:00Z", "-o", str(out)]
    assert main(argv) == 2
    err = _err_line(capsys)
    assert "test set" in err and "no labelled incident" in err and not out.exists()


@pytest.mark.parametrize("existing", [False, True])
def test_tune_writes_both_outputs_or_neither(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], existing: bool
) -> None:
    # --report cannot be written (its folder is a file): exit 2, one line, and -o is left as it
    # was before the run (absent, or its old content), never a half-finished pair.
    out = tmp_path / "tuned.yaml"
    if existing:
        out.write_text("# my previous thresholds\n", encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    argv = ["tune", "--train", SAMPLE, "--family", "static", "-o", str(out)]
    assert main([*argv, "--report", str(blocker / "tune.json")]) == 2
    _err_line(capsys)
    if existing:
        assert out.read_text(encoding="utf-8") == "# my previous thresholds\n"
    else:
        assert not out.exists()


def test_replay_false_rollbacks_beside_the_backtest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The backtest's exposure model does not resample canary counts; the replay does, and at
    # 10 % traffic a Flagger threshold-1 check trips on noise. That rate must be on the table
    # next to the backtest's, not only in the JSON.
    out = tmp_path / "bt.json"
    argv = ["backtest", "--thresholds", DEFAULTS, "--trace", SAMPLE, "--plan", PLAN_MIN]
    assert main([*argv, "--replay-runs", "20", "-o", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "replay false rb %" in lines[0]
    rules = json.loads(out.read_text(encoding="utf-8"))["rules"]
    for rule in rules:
        row = next(ln for ln in lines if ln.split()[0] == rule["name"])
        expected = f"{100 * rule['replay']['false_rollback_fraction']:.0f}"
        assert row.split()[-1] == expected, row
