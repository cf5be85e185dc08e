"""``devops-planner backtest``: score rollback rule sets against labelled incidents."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.model import Plan
    from simulations.backtest_replay import ReplayRequest
    from simulations.deploys import ReplaySettings

HELP = "backtest rollback thresholds against labelled incidents, replayed through the rollout"


def add_replay_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared with ``tune``: how incidents and healthy deploys are replayed."""
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
        type=int,
        default=0,
        metavar="N",
        help="also replay each rule set N times per trace through the SimPy replay model "
        "(needs --plan): blast radius in failed requests and users",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the replay (default 0)")
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the backtest options."""
    parser.add_argument("--thresholds", required=True, help="thresholds file (YAML/JSON)")
    parser.add_argument(
        "--trace",
        nargs="+",
        required=True,
        metavar="FILE",
        help="canonical CSV/Parquet trace, a data/raw file or a bundled series name",
    )
    add_replay_arguments(parser)
    parser.add_argument("-o", "--output", help="write the full report as JSON here")


def replay_settings(args: argparse.Namespace) -> ReplaySettings:
    """The :class:`~simulations.deploys.ReplaySettings` the options describe."""
    from planner.exceptions import ThresholdsError
    from planner.thresholds import parse_duration
    from simulations.deploys import ReplaySettings
    from simulations.stage_exposure import DEFAULT_ROLLOUT, Rollout

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
    return ReplaySettings(
        rollout,
        lead_minutes=minutes("--lead", args.lead),
        stride_minutes=minutes("--deploy-every", args.deploy_every, positive=True),
    )


def replay_request(args: argparse.Namespace) -> ReplayRequest | None:
    """The replay-model request the options describe, or None."""
    from simulations.backtest_replay import ReplayRequest
    from simulations.exceptions import BacktestError

    if not args.replay_runs:
        return None
    if args.replay_runs < 0:
        raise BacktestError(f"--replay-runs: {args.replay_runs} must be >= 1")
    if not args.plan:
        raise BacktestError("--replay-runs needs --plan (the stages and rollback levels to replay)")
    return ReplayRequest(_plan(args.plan), args.replay_runs, args.seed, args.response)


def _plan(path: str) -> Plan:
    from simulations.plan_file import read_plan_file

    return read_plan_file(path)


def run(args: argparse.Namespace) -> int:
    """Load, replay, score, print the table; write JSON with ``-o``."""
    import json

    from planner.io import atomic_write_text
    from planner.thresholds import load_thresholds
    from simulations.backtest import run_backtest, with_defaults
    from simulations.backtest_inputs import read_traces
    from simulations.backtest_tables import backtest_table

    thresholds = load_thresholds(args.thresholds)
    traces = read_traces(args.trace, args.labels)
    settings = replay_settings(args)
    report = run_backtest(
        with_defaults(thresholds.rule_sets), traces, settings, replay_request(args)
    )
    if args.output:
        atomic_write_text(args.output, json.dumps(report.to_dict(), indent=2) + "\n")
    print(backtest_table(report))
    return 0
