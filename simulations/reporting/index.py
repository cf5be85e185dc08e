"""``DIR/index.html``: every report in a folder, newest first, with a small trend plot.

A report folder is ``<YYYY-MM-DD>-<name>/`` holding ``report.html`` and ``summary.json``; a
failed run is ``<YYYY-MM-DD>-<name>.failed/`` holding ``report.ipynb`` (and ``report.html``).
The trend plot draws, over the good reports in date order, the verdict, the overall risk (0 ZERO
to 3 HIGH), the share of past incidents detected and of runs with a false rollback (percent), the
p95 blast radius (failed requests) and the p95 time to roll back (minutes), each where known.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from planner.io import atomic_write_text
from planner.model import LEVELS
from simulations.exceptions import ReportError
from simulations.notebook.plots.plan import to_data_uri
from simulations.notebook.verdict import VERDICTS
from simulations.reporting.content.summary import ReportSummary, parse_summary
from simulations.reporting.files import make_readable

__all__ = [
    "FOLDER_RE",
    "IndexEntry",
    "build_index_html",
    "scan_reports",
    "trend_figure",
    "write_index",
]

TREND_DPI = 100
"""Dots per inch of the trend plot: the 9-inch figure is 900 px, shown 1:1 in the 1000 px page."""

FOLDER_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<name>[a-z0-9][a-z0-9._-]*?)(?P<failed>\.failed)?$"
)


@dataclass(frozen=True)
class IndexEntry:
    """One report folder: its date, name, whether it failed and (when good) its summary."""

    folder: Path
    date: str
    name: str
    failed: bool
    summary: ReportSummary | None = None


def scan_reports(out_dir: Path) -> list[IndexEntry]:
    """Every report folder in ``out_dir``, newest date first (then by name).

    A good folder whose ``summary.json`` is missing or unreadable is skipped: it is not a report
    this tool wrote.
    """
    entries = []
    for folder in sorted(p for p in out_dir.iterdir() if p.is_dir()) if out_dir.is_dir() else []:
        m = FOLDER_RE.match(folder.name)
        if m is None:
            continue
        failed = m["failed"] is not None
        summary = None
        if not failed:
            try:
                text = (folder / "summary.json").read_text(encoding="utf-8")
                summary = parse_summary(json.loads(text), f"{folder / 'summary.json'}")
            except (OSError, ValueError, ReportError):
                continue
        entries.append(IndexEntry(folder, m["date"], m["name"], failed, summary))
    entries.sort(key=lambda e: (e.date, e.name, not e.failed), reverse=True)
    return entries


def trend_figure(entries: list[IndexEntry]) -> Figure:
    """Three small panels over the good reports in date order (oldest left), one line per
    report name (a change or a service reported night after night)."""
    good = sorted((e for e in entries if e.summary is not None), key=lambda e: (e.date, e.name))
    dates = sorted({e.date for e in good})
    x_of = {d: i for i, d in enumerate(dates)}
    names = sorted({e.name for e in good})
    fig = Figure(figsize=(9, 4.6 + 0.2 * (len(names) > 1)), layout="constrained")
    axes = list(fig.subplots(2, 3).flat)
    panels = (
        ("verdict", "verdict_rank"),
        ("overall risk", "risk_rank"),
        ("incidents detected (%)", "detected_percent"),
        ("runs with a false rollback (%)", "false_rollback_percent"),
        ("p95 blast radius (failed requests)", "p95_blast_radius"),
        ("p95 time to roll back (min)", "p95_time_to_rollback_minutes"),
    )
    colours = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
    for ax, (title, field) in zip(axes, panels, strict=True):
        ax.set_title(title, fontsize=9)
        drawn = False
        for k, name in enumerate(names):
            points = [(x_of[e.date], _get(e, field)) for e in good if e.name == name]
            shown = [(x, v) for x, v in points if v is not None]
            if shown:
                xs, ys = zip(*shown, strict=True)
                ax.plot(xs, ys, marker="o", color=colours[k % len(colours)], label=name)
                drawn = True
        if not drawn:
            ax.text(0.5, 0.5, "not measured yet", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks(range(len(dates)), dates, rotation=30, fontsize=8, ha="right")
        ax.tick_params(axis="y", labelsize=8)
    axes[0].set_yticks(range(len(VERDICTS)), list(VERDICTS))
    axes[0].set_ylim(-0.3, len(VERDICTS) - 0.7)
    axes[1].set_yticks(range(len(LEVELS)), list(LEVELS))
    axes[1].set_ylim(-0.3, len(LEVELS) - 0.7)
    if len(names) > 1:
        fig.legend(
            *axes[0].get_legend_handles_labels(),
            loc="outside lower center",
            ncols=min(len(names), 4),
            fontsize=8,
        )
    return fig


def _get(entry: IndexEntry, name: str) -> float | None:
    s = entry.summary
    if s is None:
        return None
    if name == "verdict_rank":
        return None if s.verdict is None else float(VERDICTS.index(s.verdict))
    if name in ("detected_percent", "false_rollback_percent"):
        share = s.detected_fraction if name == "detected_percent" else s.false_rollback_fraction
        return None if share is None else 100 * share
    value = getattr(s, name)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _row(entry: IndexEntry) -> str:
    link = html.escape(f"{entry.folder.name}/report.html", quote=True)
    name = html.escape(entry.name)
    if entry.failed or entry.summary is None:
        nb = html.escape(f"{entry.folder.name}/report.ipynb", quote=True)
        return (
            f'<tr class="failed"><td>{entry.date}</td><td>{name}</td><td colspan="7">FAILED: '
            f'<a href="{link}">error page</a> · <a href="{nb}">notebook</a></td></tr>'
        )
    s = entry.summary
    blast = "-" if s.p95_blast_radius is None else f"{s.p95_blast_radius:,.0f}"
    ttr = "-" if s.p95_time_to_rollback_minutes is None else f"{s.p95_time_to_rollback_minutes:.1f}"
    verdict = html.escape(s.verdict or "-")
    detected = "-" if s.detected_fraction is None else f"{s.detected_fraction:.0%}"
    if s.detected_fraction_ci95 is not None:
        low, high = s.detected_fraction_ci95
        detected += f" <small>({low:.0%}-{high:.0%})</small>"
    false = "-" if s.false_rollback_fraction is None else f"{s.false_rollback_fraction:.1%}"
    sample = " <small>(sample history)</small>" if s.history == "sample" else ""
    return (
        f'<tr><td>{entry.date}</td><td><a href="{link}">{name}</a>'
        f"<br><small>{html.escape(s.feature)}</small>{sample}</td><td>{verdict}</td>"
        f'<td class="risk-{s.overall_risk}">{s.overall_risk}</td><td>{s.files}</td>'
        f"<td>{detected}</td><td>{false}</td><td>{blast}</td><td>{ttr}</td></tr>"
    )


def build_index_html(entries: list[IndexEntry]) -> str:
    """The index page: a trend plot (when there is a good report) and a table of every report."""
    plot = ""
    if any(e.summary is not None for e in entries):
        plot = f'<img alt="trend" src="{to_data_uri(trend_figure(entries), dpi=TREND_DPI)}">'
    rows = "\n".join(_row(e) for e in entries) or '<tr><td colspan="9">no reports yet</td></tr>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Rollout reports</title>
<style>
body {{ font-family: sans-serif; max-width: 1000px; margin: 1em auto; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; }}
tr.failed td {{ background: #fde8e8; }}
.risk-HIGH {{ color: #D55E00; font-weight: bold; }} .risk-MEDIUM {{ color: #B07800; }}
.risk-LOW {{ color: #2a7fb0; }} .risk-ZERO {{ color: #009E73; }}
</style></head>
<body><h1>Rollout reports</h1>
{plot}
<table><thead><tr><th>date</th><th>report</th><th>verdict</th><th>overall risk</th><th>files</th>
<th>incidents detected (95 % interval)</th><th>runs with a false rollback</th>
<th>p95 blast radius (failed requests)</th><th>p95 time to roll back (min)</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


def write_index(out_dir: Path) -> Path:
    """Rewrite ``out_dir/index.html`` atomically from the folders present; return its path."""
    index = atomic_write_text(out_dir / "index.html", build_index_html(scan_reports(out_dir)))
    make_readable(index)
    return index
