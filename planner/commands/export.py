"""``devops-planner export``: write a plan as Argo Rollouts, Flagger or Prometheus rules."""

from __future__ import annotations

import argparse

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
        "--interval", type=float, default=1.0, help="measurement/evaluation interval, minutes"
    )
    parser.add_argument("-o", "--output", default=".", help="output folder (default: .)")


def run(args: argparse.Namespace) -> int:
    """Build every file in memory, then write them; bad input writes nothing."""
    import dataclasses
    from pathlib import Path

    from planner.exceptions import PlanError
    from planner.export import export_files, target_from_profile
    from planner.io import atomic_write_text, read_structured
    from planner.model import Plan
    from planner.profile import ServiceProfile, load_profile

    try:
        plan = Plan.from_dict(read_structured(args.plan, PlanError))
    except PlanError as exc:
        message = str(exc)
        raise PlanError(
            message if message.startswith(args.plan) else f"{args.plan}: {message}"
        ) from None
    if args.thresholds:
        from planner.thresholds import load_thresholds, monitors_from_thresholds

        tuned = load_thresholds(args.thresholds)
        stages = tuple(
            dataclasses.replace(
                s, monitors=monitors_from_thresholds(tuned, s.monitors, args.rule_set)
            )
            if s.monitors
            else s
            for s in plan.stages
        )
        source = tuned.source + (f"#{args.rule_set}" if args.rule_set else "")
        plan = dataclasses.replace(plan, stages=stages, thresholds_source=source)
    profile = load_profile(args.service) if args.service else ServiceProfile()
    target = target_from_profile(profile, plan.change.service)
    target = dataclasses.replace(target, interval_minutes=args.interval)
    if args.prometheus_url:
        target = dataclasses.replace(target, prometheus_address=args.prometheus_url)
    if args.gate_url:
        target = dataclasses.replace(target, gate_url=args.gate_url)
    files = export_files(args.target, plan, target)
    out = Path(args.output)
    for name, text in files.items():
        atomic_write_text(out / name, text)
        print(out / name)
    return 0
