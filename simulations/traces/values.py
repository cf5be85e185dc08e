"""Per-column checks and repairs of raw trace values (used by :mod:`simulations.traces.repair`).

Values arrive as a float64 array with one row per metric (``cols[j]`` is metric ``j``).
"""

from __future__ import annotations

import numpy as np

from simulations.exceptions import TraceError
from simulations.traces.model import Metric

__all__ = [
    "RATIO_KINDS",
    "line_of",
    "normalise_percent",
    "reject_bad_values",
    "reweight_ratios",
    "zero_runs_to_nan",
]

RATIO_KINDS = ("error_ratio", "saturation")


def line_of(lines: np.ndarray | None, i: int) -> int:
    """The source line of raw row ``i`` (after a one-line header unless ``lines`` says)."""
    return int(lines[i]) if lines is not None else i + 2


def reject_bad_values(
    cols: np.ndarray, metrics: tuple[Metric, ...], lines: np.ndarray | None, source: str
) -> None:
    """Raise on non-finite or negative values, ratios above 100 and errors above requests."""
    names = [m.name for m in metrics]
    for j, m in enumerate(metrics):
        col = cols[j]
        checks = [
            (np.isinf(col), "is not a finite number"),
            (col < 0, f"is negative (expected a {m.kind.replace('_', ' ')} >= 0)"),
        ]
        if m.kind in RATIO_KINDS:
            checks.append(
                (col > 100, "is above 100 (expected a fraction in [0, 1] or a percent in [0, 100])")
            )
        for mask, rule in checks:
            if mask.any():
                i = int(np.argmax(mask))
                raise TraceError(
                    f"{source}:{line_of(lines, i)}: {m.name}: {float(col[i])!r} {rule}"
                )
    for j, m in enumerate(metrics):
        base, _, labels = m.name.partition("{")
        partner = "requests" + ("{" + labels if labels else "")
        if base != "errors" or partner not in names:
            continue
        errors, requests = cols[j], cols[names.index(partner)]
        mask = errors > requests
        if mask.any():
            i = int(np.argmax(mask))
            raise TraceError(
                f"{source}:{line_of(lines, i)}: {m.name} {float(errors[i])!r} > {partner} "
                f"{float(requests[i])!r} (errors must not exceed requests)"
            )


def zero_runs_to_nan(cols: np.ndarray, min_run: int) -> int:
    """Set runs of at least ``min_run`` exact zeros to NaN in place; return how many runs."""
    runs = 0
    for j in range(cols.shape[0]):
        zero = cols[j] == 0
        if not zero.any():
            continue
        edges = np.diff(np.concatenate(([0], zero.astype(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        keep = (ends - starts) >= min_run
        for s, e in zip(starts[keep], ends[keep], strict=True):
            cols[j, s:e] = np.nan
        runs += int(keep.sum())
    return runs


def reweight_ratios(cols: np.ndarray, metrics: tuple[Metric, ...]) -> tuple[str, ...]:
    """After merging rows, set each ``error_ratio`` to its slot's ``errors / requests``.

    The mean of per-row ratios over-weights quiet rows; the ratio of the summed counts does not.
    """
    names = [m.name for m in metrics]
    done = []
    for j, name in enumerate(names):
        base, brace, labels = name.partition("{")
        if base != "error_ratio":
            continue
        errors, requests = f"errors{brace}{labels}", f"requests{brace}{labels}"
        if errors in names and requests in names:
            e, r = cols[names.index(errors)], cols[names.index(requests)]
            with np.errstate(invalid="ignore", divide="ignore"):
                cols[j] = np.where(r > 0, e / r, np.nan)
            done.append(name)
    return tuple(done)


def normalise_percent(
    cols: np.ndarray, metrics: tuple[Metric, ...], enabled: bool
) -> tuple[str, ...]:
    done = []
    for j, m in enumerate(metrics):
        if enabled and m.kind in RATIO_KINDS and bool(np.nanmax(cols[j], initial=0.0) > 1):
            cols[j] /= 100.0
            done.append(m.name)
    return tuple(done)
