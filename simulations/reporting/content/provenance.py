"""The top of a report: which change, which history, which thresholds it is about.

A report replayed on the bundled synthetic history says so in a banner, so that a page about
your own change is never silently about the sample's past incidents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from planner.model import Plan
from planner.render.text import code_span
from simulations.detectors.from_plan import plan_monitor
from simulations.paths import SAMPLE_MANIFEST, is_sample, resolve

__all__ = ["Provenance", "change_source", "sources_markdown"]


@dataclass(frozen=True)
class Provenance:
    """Where a report's inputs came from (notebook parameters; ``""`` means not given)."""

    plan_path: str = ""
    manifest_path: str = ""
    repo: str = ""
    base: str = ""
    head: str = "HEAD"
    service_path: str = ""
    calendar_path: str = ""
    trace_path: str = ""
    labels_path: str = ""
    metric: str = "error_ratio"
    detectors: Sequence[str] = ("static",)
    split: pd.Timestamp | None = None
    split_asked: str = ""
    budget: float = 1.0


def _sample_change(p: Provenance) -> bool:
    if p.plan_path or p.repo or not p.manifest_path:
        return False
    try:
        return resolve(p.manifest_path).resolve() == resolve(SAMPLE_MANIFEST).resolve()
    except Exception:  # an unresolvable path is not the sample
        return False


def change_source(p: Provenance) -> str:
    """The change in words: the plan file, the git range or the manifest."""
    if p.plan_path:
        return f"the plan {code_span(str(resolve(p.plan_path)))}"
    if p.repo:
        base = p.base or "merge-base"
        head = p.head or "HEAD"
        return f"the git range {code_span(base + '..' + head)} of {code_span(p.repo)}"
    sample = " (the bundled sample change)" if _sample_change(p) else ""
    return f"the manifest {code_span(p.manifest_path)}{sample}"


def sources_markdown(plan: Plan, p: Provenance) -> str:
    """A banner (for the sample history) and a list: change, service, history, thresholds."""
    lines: list[str] = []
    if is_sample(p.trace_path):
        lines += [
            "> **Sample history.** The replay and the tuning below use the bundled *synthetic* "
            f"14-day trace {code_span(p.trace_path)}, not your service's past. Pass "
            "`--trace YOUR_HISTORY.csv` (and `--labels`) to judge the plan on real incidents.",
            "",
        ]
    service = p.service_path or "the planner's defaults (no service profile)"
    calendar = p.calendar_path or "none (stages are not placed on a calendar)"
    lines += [
        f"- **Change**: {plan.change.feature or '(unnamed)'}, from {change_source(p)}",
        f"- **Service**: {plan.change.service or '?'}; profile {code_span(service)}",
        f"- **Calendar**: {code_span(calendar)}",
    ]
    labels = f", incidents from {code_span(p.labels_path)}" if p.labels_path else ""
    lines.append(f"- **History**: {code_span(p.trace_path)}{labels}")
    try:
        mon = plan_monitor(plan, p.metric)
    except Exception:  # the replay cell reports a missing monitor with its own message
        lines.append(f"- **Thresholds replayed**: the plan has no monitor of {code_span(p.metric)}")
    else:
        source = "" if mon.source == "default" else f" (from {mon.source})"
        lines.append(
            f"- **Thresholds replayed**: the plan's {code_span(mon.metric)} monitor, critical "
            f"{mon.critical:g} {mon.unit} for {mon.for_minutes:g} min{source}, detectors "
            f"{', '.join(p.detectors)}"
        )
    if p.split is not None:
        how = " (chosen to fit this history)" if p.split_asked == "auto" else ""
        split = f"tuned before {p.split.isoformat()}, tested after{how}"
    else:
        split = "tuned on the whole history, not tested out of sample"
        if p.split_asked == "auto":
            split += " (fewer than two labelled incidents to split)"
    lines.append(
        f"- **Tuning**: {split}; budget {p.budget:g} false rollbacks per 100 healthy deploys"
    )
    return "\n".join(lines)
