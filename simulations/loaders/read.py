"""The traces and labels a backtest or tuning run reads.

A ``--trace`` argument is a trace file in any format :mod:`simulations.loaders.detect` knows
(canonical CSV/Parquet, NAB, Microsoft, a Prometheus export; recognised by content unless
``fmt`` says), with its incidents from the paired ``--labels`` file, else from a
``<stem>.incidents.yaml`` beside it, else the format's own labels; a file under ``data/raw``
or the short name of a vendored series (``outbound-01``, ``elb_request_count_8c0756``: loaded
with the incidents of ``data/raw/manifest.json``). ``--labels`` files pair with the traces in
order; one labels file may serve a single trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from simulations.exceptions import BacktestError
from simulations.traces.model import Trace

__all__ = ["check_labels", "read_traces"]


def _bundled(arg: str) -> Trace | None:
    from simulations.loaders.bundled import bundled_names, default_root, load_bundled

    root = default_root()
    path = Path(arg)
    if path.exists():
        try:
            path.resolve().relative_to(root.resolve())
        except ValueError:
            return None
        return load_bundled(path.name.split(".")[0], root)
    return load_bundled(arg, root) if arg in bundled_names(root) else None


def _one(arg: str, labels: str | None, fmt: str, metric: str | None) -> Trace:
    from simulations.loaders.detect import load_trace_file
    from simulations.loaders.incidents import load_incidents

    trace = _bundled(arg) if fmt == "auto" else None
    if trace is None:
        trace, used = load_trace_file(arg, fmt, metric, labels)
        if used:  # a NAB labels file, already applied
            check_labels(trace, labels or arg)
            return replace(trace, name=trace.name or Path(arg).stem)
        sidecar = Path(arg).with_suffix("").with_suffix(".incidents.yaml")
        if labels is None and sidecar.exists():
            labels = str(sidecar)
    name = trace.name or Path(arg).stem
    if labels is not None:
        trace = replace(trace, incidents=load_incidents(labels))
    trace = replace(trace, name=name)
    check_labels(trace, labels or arg)
    return trace


def check_labels(trace: Trace, source: str) -> None:
    """Raise :class:`BacktestError` for an incident outside ``trace``; names ``source``."""
    idx = trace.frame.index
    if len(idx) == 0:
        raise BacktestError(f"{source}: trace {trace.name!r} has no samples")
    first, last = idx[0], idx[-1] + trace.step
    for inc in trace.incidents:
        if inc.start < first or inc.end > last:
            raise BacktestError(
                f"{source}: incident {inc.start.isoformat()}..{inc.end.isoformat()} lies outside "
                f"trace {trace.name!r} ({first.isoformat()}..{last.isoformat()})"
            )


def read_traces(
    paths: Sequence[str], labels: Sequence[str] = (), fmt: str = "auto", metric: str | None = None
) -> list[Trace]:
    """Load each trace with its incidents (see the module docstring).

    ``fmt`` is a format of :data:`~simulations.loaders.detect.FORMATS`; ``metric`` the canonical
    column a single-column file fills (NAB, Microsoft, Prometheus).

    Raises:
        BacktestError: labels that do not pair with the traces, or that fall outside them.
        TraceError: a trace or labels file that cannot be read.
    """
    if labels and len(labels) != len(paths):
        raise BacktestError(
            f"--labels: {len(labels)} file(s) for {len(paths)} trace(s); give one per trace"
        )
    return [_one(p, labels[i] if labels else None, fmt, metric) for i, p in enumerate(paths)]
