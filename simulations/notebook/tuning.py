"""Notebook parameters of a backtest/tuning run, read and run through the tuning package.

The same inputs as ``devops-planner tune``: a labelled trace, an optional time split into train
and test, the false-rollback budget and how deploys are replayed. Durations are minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulations.backtest.deploys import DeploySampling
from simulations.backtest.exposure import DEFAULT_ROLLOUT, Rollout
from simulations.loaders.read import read_traces
from simulations.paths import resolve
from simulations.traces.model import Trace
from simulations.tuning.split import parse_split_time, split_at
from simulations.tuning.sweep import TuneReport, TuneSettings, tune

__all__ = ["TuningInputs", "load_labelled_trace", "run_tuning"]


@dataclass(frozen=True)
class TuningInputs:
    """What to tune on.

    ``trace_path`` is a canonical trace (CSV/Parquet) or a bundled series name;
    ``labels_path`` its incidents (empty: the ``<stem>.incidents.yaml`` beside it). With
    ``split_at`` (ISO 8601, UTC) incidents before it train and those after test.
    ``budget`` is the most false rollbacks per 100 healthy deploys.
    """

    trace_path: str
    labels_path: str = ""
    split_at: str = ""
    budget: float = 1.0
    lead_minutes: float = 15.0
    rollback_minutes: float = 5.0
    deploy_every_minutes: float = 120.0


def load_labelled_trace(trace_path: str, labels_path: str = "") -> Trace:
    """A trace with its incidents: ``labels_path``, else the file beside it, else the bundle's.

    Raises:
        TraceError: the trace or labels cannot be read.
        BacktestError: an incident outside the trace.
    """
    path = resolve(trace_path)
    arg = str(path) if path.exists() else trace_path  # a bundled series name stays a name
    labels = [str(resolve(labels_path))] if labels_path else []
    return read_traces([arg], labels)[0]


def run_tuning(inputs: TuningInputs) -> TuneReport:
    """Tune thresholds on the inputs; the :class:`simulations.tuning.sweep.TuneReport`.

    Raises:
        BacktestError: a bad split time, no labelled incident, an empty training set.
        TraceError: the trace or labels cannot be read.
    """
    train = [load_labelled_trace(inputs.trace_path, inputs.labels_path)]
    test: list[Trace] = []
    if inputs.split_at:
        train, test = split_at(train, parse_split_time(inputs.split_at, "split_at"))
    replay = DeploySampling(
        Rollout(DEFAULT_ROLLOUT.stages, inputs.rollback_minutes),
        lead_minutes=inputs.lead_minutes,
        stride_minutes=inputs.deploy_every_minutes,
    )
    return tune(train, test, TuneSettings(replay, budget=inputs.budget))
