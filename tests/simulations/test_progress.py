"""Progress on a terminal, silence otherwise; reporting progress never changes a result."""

from __future__ import annotations

import io

import pytest
from support.paths import ROOT

from planner.io import read_plan
from simulations.commands._shared.progress import progress
from simulations.detectors.from_plan import detectors_from_plan
from simulations.loaders.read import read_traces
from simulations.replay import build_setup, simulate


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_and_nothing_on_a_pipe() -> None:
    tty, pipe = _Terminal(), io.StringIO()
    for stream in (tty, pipe):
        with progress("simulate", total=4, unit="run", stream=stream) as done:
            done(3)
            done(1)
    assert "simulate: 100%" in tty.getvalue() and "4/4" in tty.getvalue()
    assert pipe.getvalue() == ""


def test_progress_without_a_total_shows_the_elapsed_time() -> None:
    tty = _Terminal()
    with progress("tune", stream=tty):
        pass
    assert "tune: 00:00 elapsed" in tty.getvalue()


@pytest.mark.parametrize("workers", [1, 2])
def test_simulate_reports_every_run_and_gives_the_same_runs(workers: int) -> None:
    plan = read_plan(str(ROOT / "tests" / "golden" / "sample-plan.json"))
    trace = read_traces([str(ROOT / "data" / "sample" / "web-service-14d.csv")])[0]
    detectors = detectors_from_plan(plan, "error_ratio", ["static"], 1.0)
    setup = build_setup(plan, trace, detectors)
    counted: list[int] = []
    with_bar = simulate(setup, 300, 5, workers=workers, progress=counted.append)
    plain = simulate(setup, 300, 5, workers=workers)
    assert sum(counted) == 300 and len(counted) > 1
    assert with_bar.runs.equals(plain.runs)
