"""``devops-planner backtest``: score rollback rule sets against labelled incidents."""

from __future__ import annotations

import argparse

from planner.cli import ExitStatus
from simulations.commands._shared.options import (
    add_replay_arguments,
    replay_request,
    replay_settings,
)

HELP = "backtest rollback thresholds against labelled incidents, replayed through the rollout"


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


def run(args: argparse.Namespace) -> int:
    """Load, replay, score, print the table; write JSON with ``-o``."""
    import json

    from planner.io import atomic_write_text
    from planner.thresholds.file import load_thresholds
    from simulations.backtest.run import run_backtest, with_defaults
    from simulations.commands._shared.progress import progress
    from simulations.commands._shared.text import backtest_text
    from simulations.loaders.read import read_traces

    thresholds = load_thresholds(args.thresholds)
    traces = read_traces(args.trace, args.labels, args.format, args.trace_metric)
    settings = replay_settings(args)
    rule_sets = with_defaults(thresholds.rule_sets)
    with progress("backtest"):
        report = run_backtest(rule_sets, traces, settings, replay_request(args))
    if args.output:
        atomic_write_text(args.output, json.dumps(report.to_dict(), indent=2) + "\n")
    print(backtest_text(report))
    return ExitStatus.OK
