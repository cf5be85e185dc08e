"""Notebook parameters of a backtest/tuning run, read and run through the tuning package.

The same inputs as ``devops-planner tune``: a labelled trace, an optional time split into train
and test, the false-rollback budget and how deploys are replayed. Durations are minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from simulations.backtest.deploys import DeploySampling
from simulations.backtest.exposure import DEFAULT_ROLLOUT, Rollout
from simulations.loaders.read import read_traces
from simulations.paths import resolve
from simulations.traces.model import Trace
from simulations.tuning.split import auto_split, parse_split_time, split_at
from simulations.tuning.sweep import TuneReport, TuneSettings, tune

__all__ = ["TuningInputs", "load_labelled_trace", "run_tuning", "split_time"]


@dataclass(frozen=True)
class TuningInputs:
    """What to tune on.

    ``trace_path`` is a canonical trace (CSV/Parquet) or a bundled series name;
    ``labels_path`` its incidents (empty: the ``<stem>.incidents.yaml`` beside it). With
    ``split_at`` (ISO 8601, UTC) incidents before it train and those after test; ``"auto"``
    splits between the trace's middle incidents (:func:`~simulations.tuning.split.auto_split`,
    no split with fewer than two); ``""`` tunes on the whole trace.
    ``budget`` is the most false rollbacks per 100 healthy deploys. ``trace_format`` is one of
    :data:`~simulations.loaders.detect.FORMATS`; ``metric`` the column a single-series file
    fills (empty: from the file).
    """

    trace_path: str
    labels_path: str = ""
    split_at: str = ""
    budget: float = 1.0
    trace_format: str = "auto"
    metric: str = ""
    lead_minutes: float = 15.0
    rollback_minutes: float = 5.0
    deploy_every_minutes: float = 120.0


def load_labelled_trace(
    trace_path: str, labels_path: str = "", trace_format: str = "auto", metric: str = ""
) -> Trace:
    """A trace with its incidents: ``labels_path``, else the file beside it, else the file's
    own labels (Microsoft ``Label``, a bundled series' manifest).

    Raises:
        TraceError: the trace or labels cannot be read.
        BacktestError: an incident outside the trace.
    """
    path = resolve(trace_path)
    arg = str(path) if path.exists() else trace_path  # a bundled series name stays a name
    labels = [str(resolve(labels_path))] if labels_path else []
    return read_traces([arg], labels, trace_format, metric or None)[0]


def split_time(inputs: TuningInputs, trace: Trace) -> pd.Timestamp | None:
    """The split time the inputs ask for on ``trace``: ``None`` for no split.

    Raises:
        BacktestError: ``split_at`` is not a time (nor ``auto`` or empty).
    """
    if inputs.split_at == "auto":
        return auto_split(trace)
    return parse_split_time(inputs.split_at, "split_at") if inputs.split_at else None


def run_tuning(inputs: TuningInputs) -> TuneReport:
    """Tune thresholds on the inputs; the :class:`simulations.tuning.sweep.TuneReport`.

    Raises:
        BacktestError: a bad split time or one outside the trace, no labelled incident, an
            empty training set.
        TraceError: the trace or labels cannot be read.
    """
    trace = load_labelled_trace(
        inputs.trace_path, inputs.labels_path, inputs.trace_format, inputs.metric
    )
    train = [trace]
    test: list[Trace] = []
    when = split_time(inputs, train[0])
    if when is not None:
        train, test = split_at(train, when, "split_at")
    replay = DeploySampling(
        Rollout(DEFAULT_ROLLOUT.stages, inputs.rollback_minutes),
        lead_minutes=inputs.lead_minutes,
        stride_minutes=inputs.deploy_every_minutes,
    )
    return tune(train, test, TuneSettings(replay, budget=inputs.budget))
