"""Run the rollout-report notebook with papermill and publish it safely.

:func:`run_report` executes ``notebooks/04-rollout-report.ipynb`` (or another notebook) with the
given parameters in a temporary folder inside the output folder, renders it to HTML, and only
then renames the folder to ``DIR/<date>-<name>/``, so a reader never sees half a report. A report
that fails goes to ``DIR/<date>-<name>.failed/`` (notebook with the error, and its HTML with the
code shown) and a :class:`~simulations.exceptions.ReportError` is raised; the last good report is
never touched. A later good run of the same date and name replaces both. ``DIR/index.html`` is
refreshed after every run. ``<date>`` is today in UTC unless the request says otherwise.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from planner.io import atomic_write_text
from simulations.exceptions import ReportError, ReportExecutionError
from simulations.paths import repo_root
from simulations.reporting.content.summary import SUMMARY_MIME, ReportSummary, parse_summary
from simulations.reporting.files import make_readable, replace_folder
from simulations.reporting.html import notebook_to_html, provenance_markdown, read_notebook
from simulations.reporting.index import write_index

__all__ = ["REPORT_NOTEBOOK", "ReportRequest", "ReportResult", "run_report", "utc_today"]

REPORT_NOTEBOOK = "04-rollout-report.ipynb"
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def utc_today() -> date:
    """Today's date in UTC: the default report date."""
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class ReportRequest:
    """What to run. ``name`` is a slug (:func:`simulations.reporting.params.slug`).

    ``timeout`` is the most seconds one notebook cell may run; ``progress`` shows papermill's
    progress bar (cells executed) on stderr.
    """

    out_dir: Path
    name: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    notebook: Path | None = None  # default: notebooks/04-rollout-report.ipynb
    date: date = field(default_factory=utc_today)
    kernel_name: str = "python3"
    timeout: float = 600.0
    progress: bool = False

    def __post_init__(self) -> None:
        if not _SLUG_RE.match(self.name) or self.name.endswith(".failed"):
            raise ReportError(
                f"report name: {self.name!r} must be lower-case letters, digits, '.', '_' or '-' "
                "(starting with a letter or digit)"
            )

    @property
    def stem(self) -> str:
        """The report folder's name: ``<YYYY-MM-DD>-<name>``."""
        return f"{self.date.isoformat()}-{self.name}"


@dataclass(frozen=True)
class ReportResult:
    """A published report: its folder, page, executed notebook, summary and the index page."""

    folder: Path
    html: Path
    notebook: Path
    summary: ReportSummary
    index: Path


def run_report(request: ReportRequest) -> ReportResult:
    """Execute, render and publish one report.

    Raises:
        ReportExecutionError: a cell raised; its fields name the cell, the error and where
            the failed notebook was kept.
        ReportError: the kernel died, timed out, or the notebook gave no summary.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from traitlets.config import Config

    from simulations.reporting.kernel import LoggedKernelManager

    notebook = request.notebook or repo_root() / "notebooks" / REPORT_NOTEBOOK
    if not notebook.is_file():
        raise ReportError(f"notebook: {notebook} does not exist")
    out_dir = request.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{request.stem}.", suffix=".tmp", dir=out_dir))
    make_readable(work)
    try:
        executed = work / "report.ipynb"
        try:
            papermill.execute_notebook(
                str(notebook),
                str(executed),
                parameters=dict(request.parameters),
                kernel_name=request.kernel_name,
                cwd=str(notebook.parent),
                progress_bar=request.progress,
                execution_timeout=request.timeout,
                kernel_manager_class=LoggedKernelManager,
                # The kernel talks over Unix sockets (file permissions), not localhost TCP,
                # which ipykernel warns is readable by anyone on the machine.
                config=Config(
                    {
                        "KernelManager": {"transport": "ipc"},
                        # absolute: papermill runs the kernel from the notebook's folder
                        "LoggedKernelManager": {
                            "stderr_path": str((work / "kernel.log").resolve())
                        },
                    }
                ),
            )
            nb = read_notebook(executed)
            summary = _find_summary(nb, notebook)
        except PapermillExecutionError as exc:
            failed = _publish_failure(work, out_dir / f"{request.stem}.failed", request.stem)
            write_index(out_dir)
            raise ReportExecutionError(
                request.stem, exc.exec_count, exc.ename, exc.evalue, failed / "report.ipynb"
            ) from None
        except Exception as exc:  # a dead kernel, a timeout, a notebook without a summary
            failed = _publish_failure(work, out_dir / f"{request.stem}.failed", request.stem)
            write_index(out_dir)
            raise ReportError(
                f"report {request.stem} failed: {type(exc).__name__}: {exc}; "
                f"the failed notebook is {failed / 'report.ipynb'}"
            ) from None
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        footer = provenance_markdown(nb, notebook.name, generated)
        page = notebook_to_html(nb, _title(summary), footer=footer)
        atomic_write_text(work / "report.html", page)
        atomic_write_text(work / "summary.json", json.dumps(summary.to_dict(), indent=2) + "\n")
        (work / "kernel.log").unlink(missing_ok=True)  # kept only beside a failed notebook
        make_readable(*work.iterdir())
        folder = replace_folder(work, out_dir / request.stem)
        shutil.rmtree(out_dir / f"{request.stem}.failed", ignore_errors=True)
        index = write_index(out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ReportResult(folder, folder / "report.html", folder / "report.ipynb", summary, index)


def _title(summary: ReportSummary) -> str:
    return f"Rollout report: {summary.feature or summary.service or 'change'}"


def _find_summary(nb: Any, notebook: Path) -> ReportSummary:
    """The last :data:`SUMMARY_MIME` output of the executed notebook."""
    found = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if SUMMARY_MIME in data:
                found = data[SUMMARY_MIME]
    if found is None:
        raise ReportError(f"{notebook.name} displayed no report summary ({SUMMARY_MIME})")
    return parse_summary(found, f"{notebook.name} summary")


def _publish_failure(work: Path, target: Path, stem: str) -> Path:
    """Keep the failed notebook (and an HTML page of it, code shown) at ``target``."""

    executed = work / "report.ipynb"
    if executed.is_file():
        try:
            nb = read_notebook(executed)
            page = notebook_to_html(nb, f"FAILED report {stem}", show_code=True)
            make_readable(atomic_write_text(work / "report.html", page))
        except Exception:  # the notebook itself is the evidence; its page is a convenience
            pass
    return replace_folder(work, target)
