"""Command-line entry point: ``devops-planner`` and ``python -m planner``.

Subcommands are found through the ``devops_planner.commands`` entry-point group declared in
``pyproject.toml``. Each names a module with ``HELP: str``, ``add_arguments(parser)`` and
``run(args) -> int``; command modules keep their top-level imports light and import the heavy
libraries inside ``run``. The CLI parses, calls the library and prints; it decides nothing.
Every :class:`~planner.exceptions.PlannerError` becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from enum import IntEnum, unique
from importlib.metadata import entry_points
from typing import NoReturn, Protocol, cast

from planner.exceptions import PlannerError
from planner.io import one_line

__all__ = ["PROG", "ExitStatus", "Subcommand", "main"]

PROG = "devops-planner"
ENTRY_POINT_GROUP = "devops_planner.commands"


@unique
class ExitStatus(IntEnum):
    """What the process exit status means (as HTTPie's ``ExitStatus``)."""

    OK = 0
    CHECK_FAILED = 1  # the command ran and its check failed (e.g. a report that failed)
    BAD_INPUT = 2  # a file, field or value the user gave is wrong: one line on stderr
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


class Subcommand(Protocol):
    """What a subcommand module provides (checked by mypy where a module is cast to it)."""

    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _commands() -> dict[str, Subcommand]:
    modules: dict[str, Subcommand] = {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            modules[ep.name] = cast(Subcommand, importlib.import_module(ep.value))
        except ModuleNotFoundError as exc:  # a command whose module this install lacks
            if exc.name != ep.value:
                raise
    return modules


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors: ``devops-planner plan: error: ... (see --help)``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message, 400)} (see {self.prog} --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Plan risky changes, replay rollouts over real history, export to engines.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in _commands().items():
        cmd = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the process exit status (0 ok, 1 failed check, 2 bad input)."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return exc.code if isinstance(exc.code, int) else ExitStatus.BAD_INPUT
    try:
        status: int = args._run(args)
    except PlannerError as exc:
        _fail(str(exc))
        return ExitStatus.BAD_INPUT
    except OSError as exc:  # a file we were told to read or write; never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}")
        return ExitStatus.BAD_INPUT
    except KeyboardInterrupt:
        return ExitStatus.INTERRUPTED
    return status


def _fail(message: str) -> None:
    """The one line every rejection prints: control characters and line breaks escaped."""
    print(f"{PROG}: error: {one_line(message, 2000)}", file=sys.stderr)
