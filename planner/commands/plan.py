"""``devops-planner plan``: a change (git range or manifest) -> deployment and rollback plan."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.change import ChangeSet
    from planner.model import Monitor
    from planner.policy import Policy
    from planner.profile import ServiceProfile

HELP = "plan a change: risk per file, five-stage rollout and three-level rollback"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the plan options."""
    change = parser.add_argument_group("the change: a git range (default) or a manifest")
    change.add_argument("--repo", help="git repository (default: .)")
    change.add_argument("--base", help="base ref (default: merge-base with the default branch)")
    change.add_argument("--head", help="head ref (default: HEAD)")
    change.add_argument("--manifest", help="change manifest (YAML/JSON) instead of a git range")
    parser.add_argument("--service", help="service profile (YAML/JSON); defaults otherwise")
    parser.add_argument("--policy", help="risk policy (YAML/JSON) extending the default rules")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("-o", "--output", help="output file (default: standard output)")
    parser.add_argument(
        "--thresholds",
        help="tuned thresholds file (devops-planner tune -o; docs/thresholds.md): its first rule "
        "set's static/flagger/argo rules become the stage monitors and rollback triggers",
    )
    when = parser.add_argument_group("the schedule (docs/calendar.md)")
    when.add_argument(
        "--start",
        help="place the stages on the calendar from this time, e.g. 2026-12-23T15:00 "
        "(the calendar's zone) or with an offset; with only --calendar: the next allowed start",
    )
    when.add_argument("--calendar", help="deployment calendar (YAML/JSON, or a calendar: section)")


def run(args: argparse.Namespace) -> int:
    """Read the change, classify it, build the plan, write it (atomically with ``-o``)."""
    from planner.build import build_plan
    from planner.io import atomic_write_text
    from planner.profile import load_profile
    from planner.render import render
    from planner.risk import classify

    changes = _read_change(args)
    risk = classify(changes, _policy(args.policy))
    profile = load_profile(args.service) if args.service else None
    monitors, source = _tuned_monitors(args.thresholds, profile)
    plan = build_plan(changes, risk, profile, monitors=monitors, thresholds_source=source)
    # A --calendar file wins over the service profile's own calendar: section.
    calendar = args.calendar or (args.service if profile and profile.calendar else None)
    if args.start or calendar:
        from planner.schedule import schedule_plan

        plan = schedule_plan(plan, args.start, calendar)
    text = render(plan, args.format)
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _read_change(args: argparse.Namespace) -> ChangeSet:
    from planner.exceptions import PlannerError

    if args.manifest:
        if args.repo or args.base or args.head:
            raise PlannerError("--manifest cannot be combined with --repo, --base or --head")
        from planner.manifest import load_manifest

        return load_manifest(args.manifest)
    from planner.git import read_git_change

    return read_git_change(args.repo or ".", args.base, args.head or "HEAD")


def _tuned_monitors(
    path: str | None, profile: ServiceProfile | None
) -> tuple[dict[str, tuple[Monitor, ...]] | None, str]:
    """Stage monitors from a thresholds file for every stage that carries traffic."""
    if not path:
        return None, "default"
    from planner.monitors import default_monitors
    from planner.profile import ServiceProfile
    from planner.thresholds import load_thresholds, monitors_from_thresholds

    thresholds = load_thresholds(path)
    base = default_monitors((profile or ServiceProfile()).baseline)
    tuned = monitors_from_thresholds(thresholds, tuple(base.values()))
    source = f"{path}#{thresholds.rule_sets[0].name}"
    return {stage: tuned for stage in ("Canary", "Partial", "Full")}, source


def _policy(path: str | None) -> Policy | None:
    if not path:
        return None
    from planner.policy import load_policy

    return load_policy(path)
