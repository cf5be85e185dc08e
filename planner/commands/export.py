"""``devops-planner export``: write a plan as Argo Rollouts, Flagger or Prometheus rules."""

from __future__ import annotations

import argparse

from planner.cli import ExitStatus
from planner.commands.argtypes import finite_number

HELP = "export a plan to argo-rollouts, flagger or prometheus-rules manifests"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the export options."""
    parser.add_argument("target", help="argo-rollouts, flagger or prometheus-rules")
    parser.add_argument("--plan", required=True, help="plan JSON written by `plan`")
    parser.add_argument("--service", help="service profile (YAML/JSON): namespace, promql, ...")
    parser.add_argument(
        "--thresholds", help="thresholds file (from `tune`): replaces the plan's monitors"
    )
    parser.add_argument("--rule-set", help="rule set of --thresholds (default: the first)")
    parser.add_argument("--prometheus-url", help="Prometheus the engines query")
    parser.add_argument("--gate-url", help="Flagger manual gate URL (default: load tester)")
    parser.add_argument(
        "--interval",
        type=finite_number(0, 1440, above=True),
        default=1.0,
        help="measurement/evaluation interval, minutes",
    )
    parser.add_argument("-o", "--output", default=".", help="output folder (default: .)")


def run(args: argparse.Namespace) -> int:
    """Build every file in memory, then write them; bad input writes nothing."""
    import dataclasses
    from pathlib import Path

    from planner.export import export_files, target_from_profile
    from planner.io import read_plan, write_all
    from planner.profile import ServiceProfile, load_profile

    plan = read_plan(args.plan)
    profile = load_profile(args.service) if args.service else ServiceProfile()
    target = target_from_profile(profile, plan.change.service)
    if args.thresholds:
        from planner.export.queries.burnrate import burn_rates_from_rules
        from planner.export.queries.compare import comparisons_from_rules
        from planner.thresholds import apply_thresholds, load_thresholds

        thresholds = load_thresholds(args.thresholds)
        plan = apply_thresholds(plan, thresholds, args.rule_set)
        chosen = thresholds.get(args.rule_set) if args.rule_set else thresholds.rule_sets[0]
        target = dataclasses.replace(
            target,
            comparisons=comparisons_from_rules(chosen.rules),
            burn_rates=burn_rates_from_rules(chosen.rules),
        )
    target = dataclasses.replace(target, interval_minutes=args.interval)
    if args.prometheus_url:
        target = dataclasses.replace(target, prometheus_address=args.prometheus_url)
    if args.gate_url:
        target = dataclasses.replace(target, gate_url=args.gate_url)
    files = export_files(args.target, plan, target)
    out = Path(args.output)
    for path in write_all((out / name, text) for name, text in files.items()):  # all or nothing
        print(path)
    return ExitStatus.OK
