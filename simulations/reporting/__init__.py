"""Building blocks of the notebook reports.

Modules: ``run`` (papermill run and safe publishing), ``files`` (file steps), ``html`` (the
page), ``index`` (the index page and its trends), ``kernel`` (the kernel's output to a log),
``params`` (notebook parameters from the command line), ``provenance`` (which change, history
and thresholds a page is about), ``summary`` (``summary.json``), ``verdict`` (the opening
verdict and the assumptions behind it).
"""

from simulations.notebook.verdict import Verdict, report_verdict
from simulations.reporting.content.provenance import Provenance, sources_markdown
from simulations.reporting.content.summary import (
    SUMMARY_MIME,
    ReportSummary,
    parse_summary,
    report_summary,
)
from simulations.reporting.index import IndexEntry, build_index_html, scan_reports, write_index

__all__ = [
    "SUMMARY_MIME",
    "IndexEntry",
    "Provenance",
    "ReportSummary",
    "Verdict",
    "build_index_html",
    "parse_summary",
    "report_summary",
    "report_verdict",
    "scan_reports",
    "sources_markdown",
    "write_index",
]
