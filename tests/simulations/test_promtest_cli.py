"""``devops-planner promtest`` on the bundled sample: promtool agrees on every incident."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.paths import ROOT
from support.promtool_support import run_promtool

from planner.cli import main

SAMPLE = ROOT / "data" / "sample"


def test_every_bundled_incident_agrees_exactly(tmp_path: Path) -> None:
    argv = [
        "promtest",
        "--plan",
        str(ROOT / "tests" / "golden" / "sample-plan.json"),
        "--trace",
        str(SAMPLE / "web-service-14d.csv"),
        "--incidents",
        str(SAMPLE / "web-service-14d.incidents.yaml"),
        "--service",
        str(SAMPLE / "service.yaml"),
        "--tolerance",
        "0",
        "-o",
        str(tmp_path),
    ]
    assert main(argv) == 0
    tests = sorted(tmp_path.glob("incident-*.yaml"))
    assert len(tests) == 6  # step, ramp, latency, spike, flapping, traffic drop
    result = run_promtool("test", "rules", *tests)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_trace_without_incidents_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["promtest", "--plan", str(ROOT / "tests" / "golden" / "sample-plan.json")]
    assert (
        main([*argv, "--trace", str(SAMPLE / "web-service-14d.csv"), "-o", str(tmp_path / "o")])
        == 2
    )
    assert "no labelled incidents" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
