"""Small traces and plans for the replay tests, built directly with pandas."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from planner.model import Plan
from simulations.traces.model import CANONICAL_METRICS, Incident, Trace
from support.paths import plan_dict

START = pd.Timestamp("2026-03-02T00:00:00Z")


def make_plan(stages: list[tuple[str, float, float, float]] | None = None) -> Plan:
    """The fixture plan, optionally with stages replaced by (name, percent, min, max) waits."""
    data = plan_dict()
    if stages is not None:
        template = data["stages"][2]
        data["stages"] = []
        for name, pct, lo, hi in stages:
            s = copy.deepcopy(template)
            s.update(name=name, exposure_percent=pct, wait_minutes={"min": lo, "max": hi})
            data["stages"].append(s)
    return Plan.from_dict(data)


def make_trace(
    n: int = 3000,
    requests: float = 1000.0,
    error_ratio: float = 0.0,
    latency: float = 100.0,
    incidents: tuple[tuple[int, int, float, float], ...] = (),
    seed: int | None = None,
) -> Trace:
    """A 1-minute trace; incidents are (start, end, error ratio, latency) over sample ranges.

    With ``seed``, traffic, ratio and latency wobble (a daily cycle and noise).
    """
    t = np.arange(n)
    req = np.full(n, requests)
    er = np.full(n, error_ratio)
    lat = np.full(n, latency)
    if seed is not None:
        rng = np.random.default_rng(seed)
        req = np.round(requests * (1 + 0.3 * np.sin(2 * np.pi * t / 1440)) + rng.normal(0, 20, n))
        er = np.clip(error_ratio * (1 + 0.3 * rng.standard_normal(n)), 0, 1)
        lat = latency * np.exp(0.1 * rng.standard_normal(n))
    labels = []
    for a, b, e, lt in incidents:
        er[a:b], lat[a:b] = e, lt
        labels.append(
            Incident(
                START + pd.Timedelta(minutes=a), START + pd.Timedelta(minutes=b), cause=f"inc{a}"
            )
        )
    index = pd.date_range(START, periods=n, freq="1min", name="timestamp")
    frame = pd.DataFrame(
        {"requests": req, "errors": np.round(req * er), "error_ratio": er, "latency_p95_ms": lat},
        index=index,
    )
    metrics = tuple(CANONICAL_METRICS[c] for c in frame.columns)
    return Trace(frame, metrics, pd.Timedelta("1min"), tuple(labels), name="test")
