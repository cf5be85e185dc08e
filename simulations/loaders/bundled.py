"""The vendored real traces in ``data/raw`` (see ``data/README.md``), with their incidents.

Incidents come from ``data/raw/manifest.json``: Microsoft ``label_runs`` ``[first, last, n]``
become ``[first, last + interval)``; NAB point labels follow :mod:`simulations.loaders.formats.nab`.
A file whose sha256 differs from the manifest is rejected (``data/raw`` is immutable).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from simulations.exceptions import TraceError
from simulations.loaders.formats.microsoft import parse_microsoft
from simulations.loaders.formats.nab import NabLabels, nab_incidents, parse_nab
from simulations.loaders.labels import parse_point_time
from simulations.traces.model import Incident, Trace
from simulations.traces.repair import RepairOptions

__all__ = ["BUNDLED_METRICS", "bundled_names", "default_root", "load_bundled"]

# The canonical column of each bundled file, by short name (the file name up to the first dot).
BUNDLED_METRICS = {
    "elb_request_count_8c0756": "requests",  # ELB RequestCount per 5-min bucket
    "rds_cpu_utilization_e47b3b": "saturation",  # CPU percent, normalised to a fraction
    "outbound-01": "latency_p95_ms",  # latency stand-ins: statistic unstated, values look like ms
    "outbound-12": "latency_p95_ms",
    "outbound-15": "latency_p95_ms",
    "outbound-20": "latency_p95_ms",
    "ingress-01": "request_rate",  # ingress rate, unit unstated
    "app2-01": "error_ratio",  # client crash rate, the closest labelled error ratio
}


def default_root() -> Path:
    """``data/raw`` of this checkout (or of the installed package's bundle)."""
    from simulations.paths import repo_root

    return repo_root() / "data" / "raw"


def _manifest(root: Path) -> list[dict[str, Any]]:
    path = root / "manifest.json"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TraceError(f"{path}: cannot read the manifest: {exc}") from None
    if not isinstance(entries, list):
        raise TraceError(f"{path}: expected a list of files")
    return entries


def _short(entry: dict[str, Any]) -> str:
    return Path(str(entry["path"])).name.split(".")[0]


def bundled_names(root: Path | None = None) -> tuple[str, ...]:
    """The short names :func:`load_bundled` accepts, in manifest order."""
    return tuple(_short(e) for e in _manifest(root or default_root()))


def _label_runs(entry: dict[str, Any], step: pd.Timedelta, metric: str) -> tuple[Incident, ...]:
    out = []
    for first, last, _count in entry.get("label_runs", []):
        start = parse_point_time(first, "manifest label_runs")
        end = parse_point_time(last, "manifest label_runs") + step
        out.append(
            Incident(start, end, cause=f"labelled anomaly in {_short(entry)}", metric=metric)
        )
    return tuple(out)


def load_bundled(name: str, root: Path | None = None) -> Trace:
    """A vendored series as a :class:`Trace` with its labelled incidents.

    Args:
        name: a short name from :func:`bundled_names` (e.g. ``outbound-01``) or a manifest path.
        root: the ``data/raw`` folder (default: :func:`default_root`).

    Raises:
        TraceError: unknown name, a file that differs from the manifest, or a rejected file.
    """
    base = root or default_root()
    entries = _manifest(base)
    found = [e for e in entries if name in (_short(e), e["path"])]
    if not found:
        raise TraceError(
            f"bundled trace {name!r} not found (expected one of {', '.join(map(_short, entries))})"
        )
    entry = found[0]
    path = base / str(entry["path"])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TraceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        raise TraceError(f"{path}: sha256 differs from manifest.json (data/raw is immutable)")
    metric = BUNDLED_METRICS.get(_short(entry), "requests")
    text = data.decode("utf-8")
    step = pd.Timedelta(seconds=int(entry["interval_s"]))
    if "nab_point_labels" in entry:
        trace = parse_nab(text, str(path), metric, options=RepairOptions(step=step))
        points = tuple(parse_point_time(p, "manifest") for p in entry["nab_point_labels"])
        windows = tuple(
            (parse_point_time(a, "manifest"), parse_point_time(b, "manifest"))
            for a, b in entry.get("nab_windows", [])
        )
        grid = pd.DatetimeIndex(trace.frame.index)
        incidents = nab_incidents(NabLabels(points, windows), grid, trace.step, metric)
    else:
        # A latency of exactly 0 is a telemetry gap (see the manifest notes), never a value.
        # No Microsoft file is in percent: app2-01's crash rate is crashes per launch and
        # legitimately exceeds 1 at times (1.17 on 2018-05-12 02:00), so it is not rescaled.
        zero_gap = 1 if metric.startswith("latency") else None
        opts = RepairOptions(step=step, zero_gap_min_run=zero_gap, normalise_percent=False)
        trace = parse_microsoft(text, str(path), metric, opts)
        incidents = _label_runs(entry, step, metric)
    return replace(trace, incidents=incidents, name=_short(entry))
