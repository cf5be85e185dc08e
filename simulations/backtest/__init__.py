"""Backtesting rule sets against labelled incidents and healthy deploys.

Modules:

- ``deploys``: Replayed deploys cut from labelled traces: incident replays and healthy deploys, as
  matrices.
- ``exposure``: A vectorised stage-exposure model of a staged rollout, for backtests and threshold
  sweeps.
- ``firing``: A thresholds-file rule (or rule set) judged on a batch of deploys, vectorised over
  rows.
- ``replay``: The SimPy replay model's view of a rule set: blast radius with the plan's stages and
  response.
- ``run``: Backtest rollback rule sets against labelled incidents, replayed through a staged
  rollout.
- ``scoring``: Scoring an alerting policy on replayed deploys: the SRE Workbook's four measures and
  more.
"""

from simulations.backtest.deploys import DeployBatch, DeploySampling
from simulations.backtest.exposure import DEFAULT_ROLLOUT, Rollout
from simulations.backtest.replay import ReplayRequest
from simulations.backtest.run import (
    BacktestReport,
    RuleResult,
    load_defaults,
    run_backtest,
    with_defaults,
)

__all__ = [
    "DEFAULT_ROLLOUT",
    "BacktestReport",
    "DeployBatch",
    "DeploySampling",
    "ReplayRequest",
    "Rollout",
    "RuleResult",
    "load_defaults",
    "run_backtest",
    "with_defaults",
]
