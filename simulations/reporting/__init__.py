"""Building blocks of the notebook reports: summary, HTML page, index page, file steps."""

from simulations.reporting.index import IndexEntry, build_index_html, scan_reports, write_index
from simulations.reporting.summary import SUMMARY_MIME, ReportSummary, parse_summary, summarise

__all__ = [
    "SUMMARY_MIME",
    "IndexEntry",
    "ReportSummary",
    "build_index_html",
    "parse_summary",
    "scan_reports",
    "summarise",
    "write_index",
]
