"""What a report page says: its provenance and its summary.

Modules:

- ``provenance``: The top of a report: which change, which history, which thresholds it is about.
- ``summary``: The few figures of one report that the report index tracks over time.
"""

from simulations.reporting.content.provenance import Provenance, change_source, sources_markdown
from simulations.reporting.content.summary import (
    SUMMARY_MIME,
    ReportSummary,
    parse_summary,
    report_summary,
)

__all__ = [
    "SUMMARY_MIME",
    "Provenance",
    "ReportSummary",
    "change_source",
    "parse_summary",
    "report_summary",
    "sources_markdown",
]
