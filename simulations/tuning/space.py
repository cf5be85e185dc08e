"""The parameter grid ``tune`` searches: per metric, per detector family.

Absolute bounds (eight by default) are spread geometrically over the healthy level of the training
data (the
stable series, incidents masked): from its 95th to four times its 99.9th percentile for a metric
that is worse when higher, mirrored for one that is worse when lower. Relative bounds are fixed
(ratio 1.25-4, robust z 3-8). Per family (engine field names):

* static: bound x ``for`` {0, 5m, 10m, 20m} x scope {canary, fleet}, plus ratio / zscore bounds
  over a 1h trailing baseline;
* flagger: bound x ``interval`` {1m, 5m} x ``threshold`` {1, 2, 3, 5, 10};
* argo: bound x ``interval`` {1m, 5m} x ``failureLimit`` {0, 1, 3};
* burn_rate (error ratio only): SLO {99 %, 99.5 %, 99.9 %} x window pairs {1h/5m, 1h/5m +
  6h/30m, 30m/2m, 2h/10m} x factor scale {0.5, 1, 2} (of 14.4 and 6);
* baseline: allowed worsening {+10 %, +25 %, +50 %, +100 %, +200 %} x ``interval`` {1m, 5m, 10m}.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from planner.thresholds.families import (
    ArgoParams,
    BaselineParams,
    BurnRateParams,
    BurnWindow,
    FlaggerParams,
    StaticParams,
)
from planner.thresholds.file import Relative, ThresholdRule
from simulations._types import Direction
from simulations.backtest.deploys import healthy_values
from simulations.detectors.registry import NAMES
from simulations.traces.model import Trace

__all__ = ["FAMILY_NAMES", "candidates", "healthy_levels"]

FAMILY_NAMES = NAMES  # every registered family is searched unless --family narrows it
_PAIRS = (
    ((60.0, 5.0, 14.4),),
    ((60.0, 5.0, 14.4), (360.0, 30.0, 6.0)),
    ((30.0, 2.0, 14.4),),
    ((120.0, 10.0, 14.4),),
)


def healthy_levels(
    traces: Sequence[Trace], metric: str, direction: Direction, n: int = 8
) -> list[float]:
    """``n`` absolute bounds spread over the healthy values of ``metric`` (rounded, unique)."""
    values = np.concatenate([v for t in traces if (v := healthy_values(t, metric)) is not None])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return []
    if direction == "above":
        lo, hi = np.percentile(values, 95), 4 * np.percentile(values, 99.9)
    else:
        lo, hi = np.percentile(values, 5), np.percentile(values, 0.1) / 4
    if lo <= 0 or hi <= 0:
        levels = np.linspace(lo, hi if hi != lo else lo + 1.0, n)
    else:
        levels = np.geomspace(lo, hi, n)
    return sorted({float(f"{x:.3g}") for x in levels})


def candidates(
    metric: str, direction: Direction, levels: Sequence[float], families: Sequence[str]
) -> list[ThresholdRule]:
    """Every rule configuration of ``families`` for ``metric`` (see the module docstring)."""
    out: list[ThresholdRule] = []
    sign = 1.0 if direction == "above" else -1.0
    ratios = [1.25, 1.5, 2.0, 4.0] if direction == "above" else [0.8, 0.67, 0.5, 0.25]
    zs = [3.0, 4.0, 6.0, 8.0]
    hour = Relative("ratio", 60.0)

    def rule(family: str, bound: float, params: object, **kw: object) -> ThresholdRule:
        return ThresholdRule(family, metric, direction, bound, bound, params, **kw)  # type: ignore[arg-type]

    if "static" in families:
        for f in (0.0, 5.0, 10.0, 20.0):
            for scope in ("canary", "fleet"):
                out += [rule("static", b, StaticParams(f), scope=scope) for b in levels]
            out += [rule("static", r, StaticParams(f), relative=hour) for r in ratios]
            out += [
                rule("static", sign * z, StaticParams(f), relative=Relative("zscore", 60.0))
                for z in zs
            ]
    if "flagger" in families:
        for interval in (1.0, 5.0):
            for threshold in (1, 2, 3, 5, 10):
                p = FlaggerParams(interval, threshold)
                out += [rule("flagger", b, p) for b in levels]
    if "argo" in families:
        for interval in (1.0, 5.0):
            for limit in (0, 1, 3):
                argo = ArgoParams(interval, failure_limit=limit)
                out += [rule("argo", b, argo) for b in levels]
    if "burn_rate" in families and metric == "error_ratio" and direction == "above":
        for slo in (0.99, 0.995, 0.999):
            for pairs in _PAIRS:
                for scale in (0.5, 1.0, 2.0):
                    windows = tuple(BurnWindow(lg, sh, f * scale) for lg, sh, f in pairs)
                    out.append(
                        ThresholdRule(
                            "burn_rate",
                            metric,
                            "above",
                            0.0,
                            0.0,
                            BurnRateParams(slo, windows),
                            "fleet",
                        )
                    )
    if "baseline" in families:
        worse = [0.1, 0.25, 0.5, 1.0, 2.0] if direction == "above" else [0.1, 0.25, 0.5, 0.75]
        for interval in (1.0, 5.0, 10.0):
            out += [
                ThresholdRule("baseline", metric, direction, w, w, BaselineParams(interval))
                for w in worse
            ]
    return out
