"""The one exception hierarchy of :mod:`simulations`.

Every error a user can cause derives from :class:`SimulationError` (itself a
:class:`planner.exceptions.PlannerError`, so the shared CLI treats both alike: one line, exit 2).
"""

from __future__ import annotations

from pathlib import Path

from planner.exceptions import PlannerError

__all__ = [
    "BacktestError",
    "PrometheusError",
    "ReplayError",
    "ReportError",
    "ReportExecutionError",
    "SimulationError",
    "TraceError",
]


class SimulationError(PlannerError):
    """Base class of every user-facing error raised by :mod:`simulations`."""


class TraceError(SimulationError):
    """A trace or incidents file is unusable; the message names file, line/field and value."""


class PrometheusError(SimulationError):
    """A Prometheus server could not be queried (HTTP error, timeout, bad answer)."""


class ReplayError(SimulationError):
    """A replay cannot run with the given plan, trace or incident."""


class BacktestError(SimulationError):
    """A backtest or tuning run has unusable input (labels outside traces, empty sets)."""


class ReportError(SimulationError):
    """A notebook report could not be produced."""


class ReportExecutionError(ReportError):
    """A report notebook raised in a cell (papermill's error, with its fields kept by name).

    Attributes:
        stem: the report's ``<date>-<name>``.
        exec_count: the failed cell's execution count: its ``In [n]`` prompt on the page.
        ename: the exception's class name in the kernel (``PlanError``).
        evalue: its message (first line shown in ``str(self)``).
        failed_notebook: the executed notebook kept for the post-mortem.
    """

    def __init__(
        self,
        stem: str,
        exec_count: int | None,
        ename: str,
        evalue: str,
        failed_notebook: Path,
    ) -> None:
        self.stem = stem
        self.exec_count = exec_count
        self.ename = ename
        self.evalue = evalue
        self.failed_notebook = failed_notebook
        where = f"In [{exec_count}]: " if exec_count is not None else ""
        lines = evalue.strip().splitlines()
        first = lines[0] if lines else ""
        super().__init__(
            f"report {stem} failed: {where}{ename}: {first}; "
            f"the failed notebook is {failed_notebook}"
        )
