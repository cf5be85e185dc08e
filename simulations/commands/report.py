"""``devops-planner report``: run the rollout-report notebook and print the HTML page's path."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from planner.cli import ExitStatus

HELP = "run the rollout-report notebook (papermill) into DIR/<date>-<name>/report.html"

# Command-line option -> notebook parameter. Paths are made absolute from the working directory.
_OPTION_PARAMETERS = {
    "plan": "plan_path",
    "manifest": "manifest_path",
    "repo": "repo",
    "base": "base",
    "head": "head",
    "service": "service_path",
    "trace": "trace_path",
    "labels": "labels_path",
    "format": "trace_format",
}
_PATH_OPTIONS = ("plan", "manifest", "repo", "service", "trace", "labels")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``report``."""
    from simulations.loaders.detect import FORMATS

    change = parser.add_argument_group("the change (one of)")
    change.add_argument("--manifest", metavar="FILE", help="a change manifest (YAML or JSON)")
    change.add_argument("--repo", metavar="DIR", help="a git repository (with --base/--head)")
    change.add_argument("--base", metavar="REF", help="base of the git range")
    change.add_argument("--head", metavar="REF", help="head of the git range")
    change.add_argument("--plan", metavar="FILE", help="an existing plan JSON")
    parser.add_argument("--service", metavar="FILE", help="service profile (YAML)")
    parser.add_argument("--trace", metavar="FILE", help="historical trace to replay")
    parser.add_argument("--labels", metavar="FILE", help="labelled incidents for the trace")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="trace file format (default auto: recognised by content)",
    )
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set any notebook parameter (repeatable)",
    )
    parser.add_argument("-o", "--output", metavar="DIR", default="reports", help="reports folder")
    parser.add_argument("--name", help="report name (default: from the change)")
    parser.add_argument(
        "--date", type=date.fromisoformat, help="report date YYYY-MM-DD (default: today, UTC)"
    )
    parser.add_argument("--notebook", metavar="FILE", help="another report notebook to run")


def run(args: argparse.Namespace) -> int:
    """Run the report; print the HTML path. A failed notebook raises ReportError (exit 2)."""
    from simulations.paths import repo_root
    from simulations.reporting.params import declared_parameters, default_name, slug
    from simulations.reporting.run import REPORT_NOTEBOOK, ReportRequest, run_report

    notebook = Path(args.notebook) if args.notebook else repo_root() / "notebooks" / REPORT_NOTEBOOK
    declared = declared_parameters(notebook)
    parameters = report_parameters(args, declared, notebook.name)
    request = ReportRequest(
        out_dir=Path(args.output),
        name=slug(args.name) if args.name else default_name({**declared, **parameters}),
        parameters=parameters,
        notebook=notebook,
        progress=sys.stderr.isatty(),
        **({"date": args.date} if args.date else {}),
    )
    result = run_report(request)
    print(result.html)
    return ExitStatus.OK


def report_parameters(
    args: argparse.Namespace, declared: Mapping[str, Any], notebook: str
) -> dict[str, Any]:
    """The notebook parameters the options ask for (paths made absolute from the working
    directory), checked against the notebook's ``declared`` parameters and their defaults.

    Raises:
        ReportError: both --repo and --manifest, an option or ``-p`` name the notebook does not
            declare, a ``-p`` value of the wrong type.
    """
    from simulations.exceptions import ReportError
    from simulations.reporting.params import coerce

    if args.repo and args.manifest:
        raise ReportError("--repo and --manifest: give one change, not both")
    parameters: dict[str, Any] = {}
    for option, name in _OPTION_PARAMETERS.items():
        value = getattr(args, option)
        if value is None:
            continue
        if name not in declared:
            raise ReportError(f"--{option}: {notebook} has no {name} parameter")
        if option in _PATH_OPTIONS:
            if not Path(value).exists():  # fail before a kernel starts, not in cell 3
                raise ReportError(f"--{option}: {value}: no such file or folder")
            value = str(Path(value).resolve())
        parameters[name] = value
    if args.repo and "manifest_path" in declared:
        parameters.setdefault("manifest_path", "")  # the git range replaces the sample manifest
    own_change = args.repo or args.manifest or args.plan
    if own_change and args.service is None and "service_path" in declared:
        parameters["service_path"] = ""  # the sample profile belongs to the sample change
    for name, value in args.parameter:
        typed = coerce(name, value, declared, notebook)
        if name.endswith("_path") and typed and Path(typed).exists():
            typed = str(Path(typed).resolve())
        parameters[name] = typed
    return parameters
