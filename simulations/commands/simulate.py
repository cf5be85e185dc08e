"""``devops-planner simulate``: replay incidents through the plan's rollout (Monte Carlo)."""

from __future__ import annotations

import argparse

from planner.cli import ExitStatus
from planner.commands.argtypes import finite_number, integer
from planner.limits import MAX_RUNS
from simulations.commands._shared.options import add_format_arguments
from simulations.commands._shared.progress import progress

HELP = "replay historical incidents through the plan's rollout: blast radius, time to roll back"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the simulate options."""
    parser.add_argument("--plan", required=True, help="plan JSON (devops-planner plan)")
    parser.add_argument(
        "--trace",
        required=True,
        help="canonical CSV/Parquet trace (labels from FILE.incidents.yaml beside it), a data/raw "
        "file or a bundled series name",
    )
    parser.add_argument(
        "--metric", default="error_ratio", help="metric the detectors watch (default error_ratio)"
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--labels", help="incidents file (YAML/CSV) to replay")
    which.add_argument("--incident", metavar="START/END", help="one incident window, ISO 8601")
    parser.add_argument(
        "--detector",
        nargs="+",
        default=["static"],
        metavar="NAME",
        help="static, argo, flagger, burn_rate (or burnrate), baseline (default static)",
    )
    parser.add_argument(
        "--runs", type=integer(1, limit=MAX_RUNS), default=1000, help="replications (default 1000)"
    )
    parser.add_argument(
        "--seed", type=integer(0, 2**32 - 1), default=0, help="random seed (default 0)"
    )
    parser.add_argument("--dask", metavar="ADDR", help="dask scheduler, tcp://HOST:PORT")
    parser.add_argument(
        "--workers", type=integer(1, 1024), help="local processes (default: all cores)"
    )
    parser.add_argument(
        "--response", choices=("human", "automated"), default="human", help="default human"
    )
    parser.add_argument(
        "--ack-minutes", type=finite_number(0, 1440), default=5.0, help="mean page ack (5)"
    )
    parser.add_argument(
        "--night-ack-minutes", type=finite_number(0, 1440), help="mean ack 22-07 UTC"
    )
    parser.add_argument(
        "--escalation",
        type=finite_number(0, 1),
        default=0.1,
        help="probability a level fails (0.1)",
    )
    parser.add_argument(
        "--onset", type=finite_number(0, 525600), help="incident onset, minutes after deploy start"
    )
    parser.add_argument("-o", "--output", help="write FILE.json (summary), .csv or .parquet (runs)")
    add_format_arguments(parser, trace_metric=False)


def run(args: argparse.Namespace) -> int:
    """Load, replay, print the summary table, write the output."""
    from planner.io import read_plan
    from simulations.commands._shared.text import replay_text
    from simulations.detectors.from_plan import detectors_from_plan
    from simulations.exceptions import ReplayError
    from simulations.loaders.incidents import parse_time
    from simulations.loaders.read import read_traces
    from simulations.replay import ReplayConfig, ResponseConfig, build_setup, simulate
    from simulations.replay.results import write_output
    from simulations.traces.model import Incident

    if args.runs < 1:
        raise ReplayError(f"--runs: {args.runs} must be >= 1")
    if args.output and not args.output.lower().endswith((".json", ".csv", ".parquet")):
        raise ReplayError(f"-o {args.output}: expected a .json, .csv or .parquet file")
    plan = read_plan(args.plan)
    # As `backtest`: a bundled series by name, and the trace's own or sidecar labels.
    labels = [args.labels] if args.labels else []
    trace = read_traces([args.trace], labels, args.format, args.metric)[0]
    incidents = None
    if args.incident:
        start, sep, end = args.incident.partition("/")
        if not sep:
            raise ReplayError(f"--incident: {args.incident!r} is not START/END")
        incidents = (
            Incident(parse_time(start, "--incident start"), parse_time(end, "--incident end")),
        )
    response = ResponseConfig(
        mode=args.response,
        ack_minutes=args.ack_minutes,
        night_ack_minutes=args.night_ack_minutes,
        escalation_probability=args.escalation,
    )
    config = ReplayConfig(response=response, onset_minutes=args.onset)
    step = trace.step.total_seconds() / 60.0
    detectors = detectors_from_plan(plan, args.metric, args.detector, step)
    setup = build_setup(plan, trace, detectors, incidents, config)
    with progress("simulate", total=args.runs, unit="run") as done:
        result = simulate(
            setup, args.runs, args.seed, workers=args.workers, dask_address=args.dask, progress=done
        )
    print(replay_text(result.summary))
    if not setup.incidents:
        print("no incidents: every replay is incident-free (false-rollback rate only)")
    if args.output:
        print(f"wrote {write_output(result, setup, args.output)}")
    return ExitStatus.OK
