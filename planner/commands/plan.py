"""``devops-planner plan``: a change (git range or manifest) -> deployment and rollback plan."""

from __future__ import annotations

import argparse
import sys

from planner.cli import ExitStatus

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
    """Plan the change (:func:`planner.usecase.plan_change`), write it (atomically with ``-o``)."""
    from planner.io import atomic_write_text
    from planner.render import render_plan
    from planner.usecase import PlanRequest, plan_change

    plan = plan_change(
        PlanRequest(
            repo=args.repo,
            base=args.base,
            head=args.head,
            manifest=args.manifest,
            service=args.service,
            policy=args.policy,
            thresholds=args.thresholds,
            calendar=args.calendar,
            start=args.start,
        )
    )
    text = render_plan(plan, args.format)
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return ExitStatus.OK
