"""Options shared by the commands: how incidents and healthy deploys are replayed (``backtest``,
``tune``) and how a trace file is read (every command that takes one)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from planner.commands.argtypes import integer
from planner.limits import MAX_RUNS

if TYPE_CHECKING:
    from planner.model import Plan
    from simulations.backtest.deploys import DeploySampling
    from simulations.backtest.replay import ReplayRequest
    from simulations.sampling.noise import SampleNoise

__all__ = [
    "add_format_arguments",
    "add_replay_arguments",
    "noise_settings",
    "replay_request",
    "replay_settings",
]


def add_format_arguments(parser: argparse.ArgumentParser, trace_metric: bool = True) -> None:
    """``--format`` (and, unless the command has its own ``--metric``, ``--trace-metric``)."""
    from simulations.loaders.detect import FORMATS

    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="trace file format (default auto: recognised by content: canonical CSV/Parquet, "
        "NAB timestamp,value, Microsoft TimeStamp,Value,Label, Prometheus query_range JSON)",
    )
    if trace_metric:
        parser.add_argument(
            "--trace-metric",
            metavar="COLUMN",
            help="the canonical column a single-series file (NAB, Microsoft, Prometheus) fills",
        )


def add_replay_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared with ``tune``: how incidents and healthy deploys are replayed."""
    add_format_arguments(parser)
    parser.add_argument(
        "--labels",
        nargs="+",
        default=[],
        metavar="FILE",
        help="incidents (YAML/CSV), one per trace in order (default: the trace's own labels)",
    )
    parser.add_argument(
        "--lead",
        default="15m",
        help="an alarm this long before an incident still catches it (default 15m)",
    )
    parser.add_argument(
        "--plan",
        help="take the rollout stages from this plan JSON (and replay it with --replay-runs)",
    )
    parser.add_argument(
        "--replay-runs",
        type=integer(0, limit=MAX_RUNS),
        default=0,
        metavar="N",
        help="also replay each rule set N times per trace through the SimPy replay model "
        "(needs --plan): blast radius in failed requests and users",
    )
    parser.add_argument(
        "--seed",
        type=integer(0, 2**32 - 1),
        default=0,
        help="seed of the noise draws and the replay (default 0)",
    )
    parser.add_argument(
        "--noise-draws",
        type=int,
        default=32,
        metavar="N",
        help="seeded draws of the canary's and stable version's measurements per deploy "
        "(default 32; 0: the exact model, canary = trace)",
    )
    parser.add_argument(
        "--pod-variance",
        default="auto",
        metavar="V|auto",
        help="per-pod heterogeneity of ln(latency percentile) per step at full traffic "
        "(default auto: calibrated from each trace's short-term variability)",
    )
    parser.add_argument(
        "--response",
        choices=("automated", "human"),
        default="automated",
        help="the replay's response to an alarm (default automated abort)",
    )
    parser.add_argument("--rollback", default="5m", help="alarm to traffic restored (default 5m)")
    parser.add_argument(
        "--deploy-every",
        default="2h",
        help="start a healthy deploy this often in incident-free stretches (default 2h)",
    )


def replay_settings(args: argparse.Namespace) -> DeploySampling:
    """The :class:`~simulations.backtest.deploys.DeploySampling` the options describe."""
    from planner.exceptions import ThresholdsError
    from planner.thresholds.file import parse_duration
    from simulations.backtest.deploys import DeploySampling
    from simulations.backtest.exposure import DEFAULT_ROLLOUT, Rollout

    def minutes(flag: str, value: str, positive: bool = False) -> float:
        m = parse_duration(value, flag)
        if positive and m <= 0:
            raise ThresholdsError(f"{flag}: {value!r} must be longer than 0")
        return m

    rollback = minutes("--rollback", args.rollback)
    if args.plan:
        rollout = Rollout.from_plan(_plan(args.plan), rollback)
    else:
        rollout = Rollout(DEFAULT_ROLLOUT.stages, rollback)
    return DeploySampling(
        rollout,
        lead_minutes=minutes("--lead", args.lead),
        stride_minutes=minutes("--deploy-every", args.deploy_every, positive=True),
        noise=noise_settings(args),
    )


def noise_settings(args: argparse.Namespace) -> SampleNoise:
    """The :class:`~simulations.sampling.noise.SampleNoise` the options describe."""
    import math

    from simulations.exceptions import BacktestError
    from simulations.sampling.noise import SampleNoise

    if args.noise_draws < 0:
        raise BacktestError(f"--noise-draws: {args.noise_draws} must be >= 0 (0: no noise)")
    if args.seed < 0:
        raise BacktestError(f"--seed: {args.seed} must be >= 0")
    pods: float | None = None
    if args.pod_variance != "auto":
        try:
            pods = float(args.pod_variance)
        except ValueError:
            pods = -1.0
        if not math.isfinite(pods) or pods < 0:
            raise BacktestError(
                f"--pod-variance: {args.pod_variance!r} is not 'auto' or a number >= 0"
            )
    return SampleNoise(draws=args.noise_draws, seed=args.seed, pod_variance=pods)


def replay_request(args: argparse.Namespace) -> ReplayRequest | None:
    """The replay-model request the options describe, or None."""
    from simulations.backtest.replay import ReplayRequest
    from simulations.exceptions import BacktestError

    if not args.replay_runs:
        return None
    if args.replay_runs < 0:
        raise BacktestError(f"--replay-runs: {args.replay_runs} must be >= 1")
    if not args.plan:
        raise BacktestError("--replay-runs needs --plan (the stages and rollback levels to replay)")
    return ReplayRequest(_plan(args.plan), args.replay_runs, args.seed, args.response)


def _plan(path: str) -> Plan:
    from planner.io import read_plan

    return read_plan(path)
