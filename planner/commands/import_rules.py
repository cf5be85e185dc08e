"""``devops-planner import-rules``: the rules a team already runs, as a thresholds file."""

from __future__ import annotations

import argparse

HELP = "import Argo Rollouts, Flagger or Prometheus rules into a thresholds file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the import-rules options."""
    parser.add_argument("engine", help="argo-rollouts, flagger or prometheus-rules")
    parser.add_argument("files", nargs="+", metavar="FILE", help="the engine's YAML files")
    parser.add_argument(
        "--service", help="service profile (YAML/JSON): the labels that tell versions apart"
    )
    parser.add_argument("-o", "--output", required=True, help="thresholds file to write")


def run(args: argparse.Namespace) -> int:
    """Import what maps, say in one line each what does not; exit 2 if nothing maps."""
    import sys
    from pathlib import Path

    from planner.exceptions import ThresholdsError
    from planner.io import atomic_write_text
    from planner.profile import ServiceProfile, load_profile
    from planner.rules_import import import_rules
    from planner.thresholds import dump_thresholds

    profile = load_profile(args.service) if args.service else ServiceProfile()
    result = import_rules(args.engine, args.files, profile.labels)
    for note in result.notes:
        print(f"import-rules: {note}", file=sys.stderr)
    if result.thresholds is None:
        shown = ", ".join(args.files[:3])
        more = f" and {len(args.files) - 3} more file(s)" if len(args.files) > 3 else ""
        raise ThresholdsError(
            f"{shown}{more}: nothing could be imported as {args.engine} rules "
            f"({len(result.notes)} problem(s) listed above)"
        )
    header = [
        f"Imported by devops-planner import-rules {args.engine} from {', '.join(args.files)}.",
        "Schema: docs/thresholds.md; what maps how: docs/export.md (Importing rules).",
        *(f"not imported: {note}" for note in result.notes),
    ]
    out = Path(args.output)
    atomic_write_text(out, dump_thresholds(result.thresholds, "\n".join(header)))
    rules = sum(len(rs.rules) for rs in result.thresholds.rule_sets)
    print(out)
    print(
        f"{len(result.thresholds.rule_sets)} rule set(s), {rules} rule(s); "
        f"{len(result.notes)} not imported"
    )
    return 0
