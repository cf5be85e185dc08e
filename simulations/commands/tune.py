"""``devops-planner tune``: search rollback thresholds on training incidents, test them apart."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from planner.cli import ExitStatus
from planner.commands.argtypes import finite_number
from simulations.commands._shared.options import (
    add_replay_arguments,
    replay_request,
    replay_settings,
)

if TYPE_CHECKING:
    from simulations.traces.model import Trace

HELP = "tune rollback thresholds: least blast radius within a false-rollback budget"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the tune options."""
    parser.add_argument("--train", nargs="+", required=True, metavar="FILE", help="training traces")
    parser.add_argument("--test", nargs="+", default=[], metavar="FILE", help="test traces")
    add_replay_arguments(parser)
    parser.add_argument(
        "--false-rollback-budget",
        type=finite_number(0, 100),
        default=1.0,
        help="most false rollbacks per 100 healthy deploys (default 1)",
    )
    parser.add_argument(
        "--split-at",
        help="cut every training trace at this UTC time: before trains, after tests",
    )
    parser.add_argument(
        "--family",
        nargs="+",
        choices=("static", "flagger", "argo", "burn_rate", "baseline"),
        help="families to search (default: all)",
    )
    parser.add_argument(
        "--current",
        metavar="FILE",
        help="thresholds file of the rules run today (e.g. from import-rules): measured beside",
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=4,
        metavar="K",
        help="cross-validation folds (time blocks, or whole traces) the budget must hold on "
        "(default 4)",
    )
    parser.add_argument("--dask", metavar="ADDR", help="run the sweep on this dask scheduler")
    parser.add_argument("-o", "--output", help="write the recommended thresholds file here")
    parser.add_argument("--report", help="write the full report (front, train, test) as JSON")


def run(args: argparse.Namespace) -> int:
    """Load, sweep, recommend; print the front and the train/test backtests."""
    import json
    from dataclasses import replace

    from planner.thresholds.file import dump_thresholds, load_thresholds
    from simulations.commands._shared.progress import progress
    from simulations.commands._shared.text import tune_text
    from simulations.exceptions import BacktestError
    from simulations.loaders.read import read_traces
    from simulations.tuning.space import FAMILY_NAMES
    from simulations.tuning.sweep import TuneSettings, tune

    if args.false_rollback_budget < 0:
        raise BacktestError(f"--false-rollback-budget: {args.false_rollback_budget} must be >= 0")
    labels = args.labels
    if labels and len(labels) != len(args.train) + len(args.test):
        raise BacktestError(
            f"--labels: {len(labels)} file(s) for {len(args.train) + len(args.test)} trace(s) "
            "(--train then --test); give one per trace"
        )
    fmt, metric = args.format, args.trace_metric
    train = read_traces(args.train, labels[: len(args.train)], fmt, metric)
    test = read_traces(args.test, labels[len(args.train) :], fmt, metric) if args.test else []
    if args.split_at:
        train, test = _split(train, test, args.split_at)
    current = load_thresholds(args.current).rule_sets if args.current else ()
    if args.folds < 2:
        raise BacktestError(f"--folds: {args.folds} must be >= 2")
    settings = TuneSettings(
        replay_settings(args),
        budget=args.false_rollback_budget,
        families=tuple(args.family or FAMILY_NAMES),
        current=tuple(replace(rs, name=f"current/{rs.name}") for rs in current),
        folds=args.folds,
    )
    client = _client(args.dask) if args.dask else None
    try:
        with progress("tune"):
            report = tune(train, test, settings, client, replay_request(args))
    finally:
        if client is not None:
            client.close()
    print(tune_text(report))
    outputs: list[tuple[str, str]] = []
    if args.output:
        header = (
            f"Tuned by devops-planner tune on {', '.join(t.name for t in train)}; budget "
            f"{settings.budget:g} false rollbacks per 100 deploys. First rule set = recommended."
            f"\nOut of sample: {report.verdict()['status']}: {report.verdict()['reason']}"
        )
        outputs.append((args.output, dump_thresholds(report.thresholds(args.output), header)))
    if args.report:
        outputs.append((args.report, json.dumps(report.to_dict(), indent=2) + "\n"))
    from planner.io import write_all

    write_all(outputs)
    return ExitStatus.OK


def _split(train: list[Trace], test: list[Trace], at: str) -> tuple[list[Trace], list[Trace]]:
    from simulations.exceptions import BacktestError
    from simulations.tuning.split import parse_split_time, split_at

    if test:
        raise BacktestError("--split-at cannot be combined with --test")
    return split_at(train, parse_split_time(at))


def _client(address: str) -> Any:
    from distributed import Client

    from simulations.exceptions import BacktestError

    try:
        return Client(address, timeout=3)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise BacktestError(f"--dask {address}: cannot connect: {exc}") from None
