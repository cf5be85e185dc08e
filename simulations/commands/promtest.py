"""``devops-planner promtest``: promtool unit tests of the exported alerts on labelled incidents."""

from __future__ import annotations

import argparse

from planner.cli import ExitStatus
from planner.commands.argtypes import integer
from simulations.commands._shared.options import add_format_arguments

HELP = "write promtool tests: exported alerts must fire when our detector does on each incident"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the promtest options."""
    parser.add_argument("--plan", required=True, help="plan JSON written by `plan`")
    parser.add_argument("--trace", required=True, help="trace file (any --format)")
    parser.add_argument("--incidents", help="incidents file (YAML/CSV) labelling the trace")
    parser.add_argument("--service", help="service profile (YAML/JSON): namespace, promql, ...")
    parser.add_argument(
        "--tolerance",
        type=integer(0, 1000),
        default=1,
        help="evaluation intervals of slack (default 1)",
    )
    parser.add_argument("-o", "--output", default="promtest", help="output folder")
    add_format_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Build every test in memory, then write them; run them with `promtool test rules`."""
    import sys
    from dataclasses import replace
    from pathlib import Path

    from planner.export import target_from_profile
    from planner.io import read_plan, write_all
    from planner.profile import ServiceProfile, load_profile
    from simulations.exceptions import SimulationError
    from simulations.loaders.detect import load_trace_file
    from simulations.loaders.incidents import load_incidents
    from simulations.loaders.read import check_labels
    from simulations.promtest import build_promtest, promtest_files

    plan = read_plan(args.plan)
    profile = load_profile(args.service) if args.service else ServiceProfile()
    target = target_from_profile(profile, plan.change.service)
    # the labels are --incidents only (or the file's own: a Microsoft Label column, NAB labels)
    trace, used = load_trace_file(args.trace, args.format, args.trace_metric, args.incidents)
    if args.incidents and not used:
        trace = replace(trace, incidents=load_incidents(args.incidents))
    if not trace.incidents:
        raise SimulationError(f"{args.trace}: no labelled incidents (give --incidents)")
    check_labels(trace, args.incidents or args.trace)  # a test with no data proves nothing
    if args.tolerance < 0:
        raise SimulationError(f"--tolerance: {args.tolerance} must be >= 0")
    tests = [
        build_promtest(plan, target, trace, incident, tolerance=args.tolerance)
        for incident in trace.incidents
    ]
    for line in dict.fromkeys(reason for test in tests for reason in test.left_out):
        print(f"promtest: left out {line}", file=sys.stderr)
    out = Path(args.output)
    files: dict[Path, str] = {}
    for k, test in enumerate(tests, start=1):
        files.update(promtest_files(out, test, f"incident-{k:02d}"))
    for path in write_all(files.items()):  # all or nothing
        if path.name.startswith("incident-"):
            print(path)
    return ExitStatus.OK
