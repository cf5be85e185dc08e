"""``promtool test rules`` files: Prometheus's rule engine replays an incident end to end.

The rule file is the exported one (:func:`planner.export.build_rules`: recording rules and
alerts). Its input series are the raw series the recording rules read, for the new (canary)
and the stable version, synthesised from a window of a trace around an incident:

- requests by status: for each request counter a recording rule divides, one series of server
  errors and one of the rest per version, labelled so that every matcher of the template holds
  (``code="500"`` / ``code="200"``, ``version="canary"`` / ``"stable"``). The canary serves
  :data:`CANARY_REQUESTS` requests a step, the stable version the rest of the traffic at the
  plan's first exposed stage (Canary 10 %: nine times as many); errors are the trace's error
  ratio times the requests, rounded to whole requests.
- request durations: each version's ``_bucket`` counters grow by a histogram built so that
  Prometheus's ``histogram_quantile`` (linear interpolation inside a bucket) returns the trace's
  percentile exactly.

The canary plays the trace (the incident happens in the new version); the stable version plays
the trace outside incidents and the trailing hour's median of the healthy samples inside them
(:class:`simulations.trace_series.SeriesCache`, the backtest's stable version). Our detector
(:class:`~simulations.detectors.StaticThreshold`, Prometheus ``for:`` semantics) reads the same
counts: the canary's own ratio in canary scope, the pooled ratio in fleet scope. Each alert is
expected to fire when the detector says, within ``tolerance`` evaluation intervals, or to stay
silent. For each firing alert, a ``promql_expr_test`` also checks that the engines' sustained
query (what Argo Rollouts and Flagger measure) crosses the threshold at the same minute.

Time convention (the detectors'): sample ``i`` covers minutes ``[i, i + 1) x step`` and becomes
visible at its end, promtool time ``(i + 1) x step``; at time 0 every counter is 0. Evaluation
intervals shorter than the trace step are rounded up to it, as ``simulate`` and ``backtest`` do
(an hourly trace is evaluated hourly), and a template written with ``${window}`` gets the
trace step as its ``rate()`` range, so one recorded value is one sample. A template with a fixed
range (``[5m]``) that is a whole number of steps measures the pooled counts of its last samples
(fewer at the start), and the detector sees exactly that: the pooled ratio, or for a latency the
quantile Prometheus interpolates from the pooled buckets (:func:`histogram_quantile`, written
from Prometheus's documented rule); a range shorter than a step, or not a multiple of it, cannot
be replayed and the metric is left out. A missing sample (NaN) is a step without requests:
a window of missing samples has no requests, its ratio is NaN (0/0), which resets an alert as
the detector's "no data" does.

Plan metrics map onto trace columns: ``error_rate`` is ``error_ratio``, ``success_rate`` is
``1 - error_ratio``, ``latency_pNN`` is ``latency_pNN_ms``; other monitors are left out. A
fleet-scope latency is the quantile of the two versions' pooled synthetic histograms, not the
log-normal mixture the backtest's stage-exposure model assumes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from planner.export import ExportTarget
from planner.export.common import number
from planner.export.names import duration
from planner.export.prometheus import (
    LEVELS,
    alerting_rule,
    build_rules,
    record_labels,
    sli_selector,
)
from planner.export.queries.promql import render_scoped_sli, sustained_query
from planner.export.queries.watch import Watch, watches
from planner.io import write_all
from planner.model import Monitor, Plan
from planner.rules_import.sli import QueryNotMapped, Selector, Sli, recognise_sli
from simulations.detectors import Observed, StaticThreshold, alarm_minutes
from simulations.exceptions import SimulationError
from simulations.traces.model import Incident, Trace
from simulations.traces.series import SeriesCache, trace_series

__all__ = [
    "CANARY_REQUESTS",
    "AlertCase",
    "PromTest",
    "build_promtest",
    "histogram_quantile",
    "promtest_files",
    "trace_series",
    "write_promtest",
]

CANARY_REQUESTS = 1_000_000  # requests per trace step served by the new version
_LATENCY = re.compile(r"latency_p(\d{2})(?:_ms)?")
_ERROR_VALUES = ("500", "503", "5xx", "failure", "Internal", "Unavailable")
_GOOD_VALUES = ("200", "201", "2xx", "success", "OK")
_FILL = ("x", "a", "0", "1", "canary", "stable", "default", "")


@dataclass(frozen=True)
class AlertCase:
    """What the detector predicts for one alert: the minute it fires (None: never)."""

    alert: str
    fires_at_minutes: float | None


@dataclass(frozen=True)
class PromTest:
    """The rule file, the promtool test file replaying the incident, and what was left out."""

    rules: dict[str, Any]
    tests: dict[str, Any]
    cases: tuple[AlertCase, ...]
    left_out: tuple[str, ...] = ()


def _column(metric: str) -> str | None:
    if metric == "error_rate":
        return "error_ratio"
    if metric == "success_rate":
        return "success_rate"
    latency = _LATENCY.fullmatch(metric)
    return f"latency_p{latency.group(1)}_ms" if latency else None


def _up(minutes: float, step: float) -> float:
    """``minutes`` rounded up to a whole number (>= 1) of ``step``, as simulate does."""
    return max(1, math.ceil(minutes / step - 1e-9)) * step


def _value_for(matchers: list[Any], candidates: tuple[str, ...], label: str) -> str:
    for value in candidates:
        if all(m.matches(value) for m in matchers):
            return value
    for m in matchers:
        literal = m.op == "=~" and re.fullmatch(r"[\w.-]*", m.value)
        if literal and all(other.matches(m.value) for other in matchers):
            return str(m.value)
    text = ", ".join(str(m) for m in matchers)
    raise SimulationError(f"promtest: no {label} value satisfies {{{text}}} to synthesise")


def _status(numerator: list[Any], candidates: tuple[str, ...], kept: bool) -> str:
    """A status value the numerator keeps (``kept``) or drops."""
    for value in candidates:
        if all(m.matches(value) for m in numerator) == kept:
            return value
    text = ", ".join(str(m) for m in numerator)
    side = "keeps" if kept else "drops"
    raise SimulationError(
        f"promtest: no status in {', '.join(candidates)} that {{{text}}} {side} to synthesise"
    )


def _labels(selectors: tuple[Selector, ...], metric: str, skip: set[str]) -> dict[str, str]:
    """Labels satisfying every matcher of ``metric``'s selectors, except labels in ``skip``."""
    by_label: dict[str, list[Any]] = {}
    for sel in selectors:
        if sel.metric != metric:
            continue
        for m in sel.matchers:
            if m.name not in skip:
                by_label.setdefault(m.name, []).append(m)
    out = {}
    for label, ms in sorted(by_label.items()):
        literal = next((m.value for m in ms if m.op == "="), None)
        out[label] = literal if literal is not None else _value_for(ms, _FILL, label)
    return out


@dataclass
class _Series:
    """Cumulative input series by label set, built one step increment at a time."""

    steps: int
    data: dict[tuple[tuple[str, str], ...], np.ndarray] = field(default_factory=dict)

    def add(self, labels: dict[str, str], increments: np.ndarray) -> np.ndarray:
        """Register a counter (first registration wins); return its per-step increments."""
        key = tuple(sorted(labels.items()))
        if key not in self.data:
            self.data[key] = increments
        return self.data[key]

    def input_series(self) -> list[dict[str, str]]:
        """promtool ``input_series``: every counter from 0 at time 0, one point per step."""
        out = []
        for key, inc in self.data.items():
            labels = dict(key)
            name = labels.pop("__name__")
            total = np.cumsum(np.where(np.isnan(inc), 0.0, inc))
            values = ["0", *(repr(float(v)) for v in total)]
            body = ",".join(f"{k}={json_string(v)}" for k, v in sorted(labels.items()))
            out.append({"series": f"{name}{{{body}}}", "values": " ".join(values)})
        return out


def json_string(value: str) -> str:
    """A double-quoted label value for promtool's series notation (JSON escapes)."""
    import json

    return json.dumps(value)


def _histogram(value: np.ndarray, bounds: np.ndarray, q: float, total: float) -> np.ndarray:
    """Per-step cumulative bucket counts (steps x bounds) whose q-quantile is ``value``.

    With Prometheus's linear interpolation inside bucket k (lower edge b_{k-1}, upper b_k) the
    quantile is ``b_{k-1} + (b_k - b_{k-1}) (qN - c_{k-1}) / (c_k - c_{k-1})``. Put
    ``c_{k-1} = N (q - f x)`` and ``c_k = N (q + (1 - f) x)`` with ``f`` the value's position in
    the bucket and ``x = min(q, 1 - q)``: the quantile is the value, and the counts stay within
    ``[0, N]`` and non-decreasing.
    """
    out = np.zeros((len(value), len(bounds)))
    edges = np.concatenate([[0.0], bounds])
    x = min(q, 1.0 - q)
    for i, v in enumerate(value):
        if not np.isfinite(v):
            out[i, :] = np.nan
            continue
        k = int(np.searchsorted(bounds, v, side="left"))
        lo, hi = edges[k], edges[k + 1]
        f = (v - lo) / (hi - lo)
        below, upto = total * (q - f * x), total * (q + (1.0 - f) * x)
        out[i, :k] = below
        out[i, k:] = upto
        out[i, k + 1 :] = total
        out[i, k] = upto
    return out


def _bounds(values: np.ndarray) -> np.ndarray:
    finite = values[np.isfinite(values) & (values > 0)]
    lo = float(finite.min()) / 2 if finite.size else 0.001
    hi = float(finite.max()) * 2 if finite.size else 10.0
    return np.geomspace(lo, hi, 24)


@dataclass(frozen=True)
class _Replay:
    """The window's values for the canary (``new``) and the stable version (``old``)."""

    new: np.ndarray
    old: np.ndarray


def _window(values: np.ndarray, span: int) -> np.ndarray:
    """Sum of the last ``span`` rows at each step (fewer at the start), as a counter's
    increase over a ``rate()`` range; NaN counts as no requests."""
    v = np.where(np.isnan(values), 0.0, values)
    total = np.concatenate([np.zeros((1, *v.shape[1:])), np.cumsum(v, axis=0)])
    idx = np.arange(len(v))
    return np.asarray(total[idx + 1] - total[np.maximum(0, idx + 1 - span)], dtype=np.float64)


def histogram_quantile(q: float, bounds: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Prometheus's ``histogram_quantile`` of each row of cumulative bucket counts.

    ``cumulative`` is (steps x (len(bounds) + 1)), the last column the ``+Inf`` bucket. As in
    Prometheus (promql/quantile.go, ``bucketQuantile``): rank ``q x total``; the first bucket
    whose cumulative count reaches it; linear interpolation between its lower bound (0 for the
    first bucket) and its upper bound; the highest finite bound when the rank falls in ``+Inf``;
    NaN without observations.
    """
    out = np.full(len(cumulative), np.nan)
    for i, row in enumerate(cumulative):
        total = row[-1]
        if not total > 0:
            continue
        rank = q * total
        b = int(np.searchsorted(row[:-1], rank, side="left"))
        if b >= len(bounds):
            out[i] = bounds[-1]
            continue
        start = bounds[b - 1] if b > 0 else 0.0
        below = row[b - 1] if b > 0 else 0.0
        out[i] = start + (bounds[b] - start) * ((rank - below) / (row[b] - below))
    return out


def _detector_input(
    sli: Sli,
    watch: Watch,
    replay: _Replay,
    exposure: float,
    series: _Series,
    span: int,
    version: tuple[str, str, str],
) -> np.ndarray:
    """Synthesise the series the SLI reads; return what the SLI measures, step by step.

    ``span``: the SLI's ``rate()`` range in trace steps; ``version``: the version label and
    its canary and stable values.
    """
    label, canary, stable = version
    canary_n = float(CANARY_REQUESTS)
    stable_n = canary_n * (1.0 - exposure) / exposure if exposure < 1 else 0.0
    versions = (("new", canary, canary_n), ("old", stable, stable_n))
    values = {"new": replay.new, "old": replay.old}
    scoped = ("new",) if watch.scope == "canary" else ("new", "old")
    if sli.counter is not None:
        status = sli.numerator[0].name
        errors_in_num = sli.metric == "error_ratio"
        num = list(sli.numerator)
        # an error value the numerator keeps (error ratio) or drops (success rate), and a
        # success value the other way round
        err = _status(num, _ERROR_VALUES, errors_in_num)
        good = _status(num, _GOOD_VALUES, not errors_in_num)
        base = _labels(sli.selectors, sli.counter, {status, label})
        errors, total = np.zeros(len(replay.new)), np.zeros(len(replay.new))
        for key, value, n in versions:
            ratio = values[key] if watch.monitor.metric != "success_rate" else 1.0 - values[key]
            requests = np.where(np.isnan(ratio), np.nan, n)
            labels = {"__name__": sli.counter, **base, label: value}
            e = series.add({**labels, status: err}, np.round(ratio * n))
            g = series.add({**labels, status: good}, requests - e)
            if key in scoped:
                errors += _window(e, span)
                total += _window(e + g, span)
        with np.errstate(invalid="ignore", divide="ignore"):
            seen = np.where(total > 0, errors / np.where(total > 0, total, 1.0), np.nan)
        return np.asarray(1.0 - seen if watch.monitor.metric == "success_rate" else seen)
    assert sli.bucket is not None
    q = {"latency_p50_ms": 0.5, "latency_p95_ms": 0.95, "latency_p99_ms": 0.99}[sli.metric]
    unit_ms = sli.bucket_ms  # milliseconds per unit of the histogram's bounds
    base = _labels(sli.selectors, sli.bucket, {"le", label})
    bounds = _bounds(np.concatenate([replay.new, replay.old]) / unit_ms)
    pooled = np.zeros((len(replay.new), len(bounds) + 1))
    for key, value, n in versions:
        cum = _histogram(values[key] / unit_ms, bounds, q, n)
        full = np.column_stack([cum, np.where(np.isnan(values[key]), np.nan, n)])
        for j, le in enumerate([*(repr(float(b)) for b in bounds), "+Inf"]):
            labels = {"__name__": sli.bucket, **base, label: value, "le": le}
            full[:, j] = series.add(labels, full[:, j])
        if key in scoped:
            pooled += _window(full, span)
    return histogram_quantile(q, bounds, pooled) * unit_ms


def _render(text: str) -> str:
    """Go-template output of an exported label or annotation (undo our ``{`` escape)."""
    return "{".join(text.split('{{"{"}}'))


def _checks(
    rule: dict[str, Any],
    labels: dict[str, str],
    fired: np.ndarray,
    step: float,
    every: float,
    tolerance: int,
) -> tuple[list[dict[str, Any]], float | None, float | None]:
    """Alert checks, the detector's firing minute and the minute the firing is checked at."""
    expected = [
        {
            "exp_labels": {**labels, **{k: _render(v) for k, v in rule["labels"].items()}},
            "exp_annotations": {k: _render(v) for k, v in rule["annotations"].items()},
        }
    ]
    if not fired.any():  # silent throughout: check every evaluation of the window
        n = int(len(fired) * step // every)
        silent = [duration(k * every) for k in range(1, n + 1)]
        return (
            [{"eval_time": t, "alertname": rule["alert"], "exp_alerts": []} for t in silent],
            None,
            None,
        )
    first = int(np.argmax(fired))
    t = alarm_minutes(first, step)
    checks = []
    before = t - (tolerance + 1) * every
    if before >= 0:
        checks.append({"eval_time": duration(before), "alertname": rule["alert"], "exp_alerts": []})
    at = t
    for k in range(1, tolerance + 1):
        later = t + k * every
        i = round(later / step) - 1
        if i >= len(fired) or not fired[first : i + 1].all():
            break
        at = later
    checks.append({"eval_time": duration(at), "alertname": rule["alert"], "exp_alerts": expected})
    return checks, t, at


def _engine_checks(
    target: ExportTarget,
    watch: Watch,
    level: str,
    values: np.ndarray,
    times: tuple[float, float],
    step: float,
) -> list[dict[str, Any]]:
    """The engines' sustained query crosses the same threshold at the same minutes."""
    monitor: Monitor = watch.monitor
    threshold = monitor.critical if level == "critical" else monitor.warning
    op = ">" if monitor.direction == "above" else "<"
    query = sustained_query(
        sli_selector(target, monitor.metric, watch.scope), monitor, target.interval_minutes
    )
    expr = f"{query} {op} bool {number(threshold)}"
    body = ",".join(
        f"{k}={json_string(v)}" for k, v in sorted(record_labels(target, watch.scope).items())
    )
    labels = f"{{{body}}}"
    fire_at, before = times
    out = [
        {
            "expr": expr,
            "eval_time": duration(fire_at),
            "exp_samples": [{"labels": labels, "value": 1}],
        }
    ]
    # the sustained query's window: for_minutes in whole intervals (sustained_query's rule)
    held = math.ceil(monitor.for_minutes / target.interval_minutes - 1e-9) * target.interval_minutes
    first = round((before - held) / step) - 1
    last = round(before / step) - 1
    if before >= 0 and first >= 0 and not np.isnan(values[first : last + 1]).any():
        out.append(
            {
                "expr": expr,
                "eval_time": duration(before),
                "exp_samples": [{"labels": labels, "value": 0}],
            }
        )
    return out


def _span(sli: Sli, step: float) -> int | str:
    """The SLI's ``rate()`` range in trace steps, or why it cannot be replayed."""
    if len(sli.ranges_minutes) != 1:
        ranges = ", ".join(f"{r:g}m" for r in sli.ranges_minutes) or "none"
        return f"the SLI reads several rate() ranges ({ranges}); one is needed"
    span = sli.ranges_minutes[0] / step
    if span < 1 - 1e-9 or abs(span - round(span)) > 1e-9:
        return (
            f"its rate() range {sli.ranges_minutes[0]:g}m is not a whole number of trace steps "
            f"({step:g} min); write ${{window}} in the template"
        )
    return round(span)


def _exposure(plan: Plan) -> float:
    for stage in plan.stages:
        if stage.exposure_percent > 0:
            return stage.exposure_percent / 100.0
    raise SimulationError("plan: no stage has exposure_percent > 0; there is no canary traffic")


def build_promtest(
    plan: Plan,
    target: ExportTarget,
    trace: Trace,
    incident: Incident,
    *,
    rule_file: str = "rules.yaml",
    margin_minutes: float = 30.0,
    tolerance: int = 1,
) -> PromTest:
    """The exported rule file and a promtool test replaying ``incident`` of ``trace`` through it.

    The window is the incident with ``margin_minutes`` before and after, clipped to the trace.

    Raises:
        SimulationError: the trace step is longer than an hour (the longest evaluation
            interval exported), no monitored metric of the plan is in the trace, or a template
            whose series cannot be synthesised.
        ExportError: the plan cannot be exported (see :func:`planner.export.build_rules`).
    """
    step = trace.step.total_seconds() / 60.0
    every = _up(target.interval_minutes, step)
    if every > 60:
        raise SimulationError(
            f"trace {trace.name!r}: step {step:g} min is longer than the longest evaluation "
            "interval an export holds (60 min)"
        )
    tgt = replace(target, interval_minutes=every, rate_window_minutes=step)
    margin = pd.Timedelta(minutes=margin_minutes)
    frame = trace.frame
    lo = frame.index.searchsorted(incident.start - margin)
    hi = frame.index.searchsorted(incident.end + margin - trace.step, side="right")
    cache = SeriesCache([trace], step)
    exposure = _exposure(plan)
    n = int(hi - lo)
    series = _Series(n)
    checks: list[dict[str, Any]] = []
    engine: list[dict[str, Any]] = []
    cases: list[AlertCase] = []
    left_out: list[str] = []
    version = (tgt.labels.version, tgt.labels.canary, tgt.labels.stable)
    for watch in watches(plan):
        m = watch.monitor
        column = _column(m.metric)
        values = trace_series(trace, column) if column else None
        if values is None or column is None:
            left_out.append(f"{m.metric}: the trace has no {column or 'matching'} column")
            continue
        try:
            sli = recognise_sli(render_scoped_sli(m.metric, tgt, watch.scope))
        except QueryNotMapped as exc:
            left_out.append(f"{m.metric}: its series cannot be synthesised ({exc})")
            continue
        span = _span(sli, step)
        if isinstance(span, str):
            left_out.append(f"{m.metric}: {span}")
            continue
        old = cache.old(column)[0]
        assert old is not None
        replay = _Replay(values[lo:hi].astype(float), old[lo:hi].astype(float))
        seen = _detector_input(sli, watch, replay, exposure, series, span, version)
        record = record_labels(tgt, watch.scope)
        for level in LEVELS:
            rule = alerting_rule(plan, tgt, watch, level)
            detector = StaticThreshold(
                metric=m.metric,
                threshold=m.critical if level == "critical" else m.warning,
                direction=m.direction,
                for_minutes=m.for_minutes,
                evaluation_interval_minutes=every,
            )
            fired = detector.firing(Observed(step_minutes=step, value=seen))
            found, t, at = _checks(rule, dict(record), fired, step, every, tolerance)
            checks.extend(found)
            cases.append(AlertCase(rule["alert"], t))
            if t is not None and at is not None:
                before = t - (tolerance + 1) * every
                engine.extend(_engine_checks(tgt, watch, level, seen, (at, before), step))
    if not cases:
        raise SimulationError(
            f"trace {trace.name!r}: none of the plan's monitored metrics is in the trace"
        )
    rules = build_rules(plan, tgt)
    test = {
        "rule_files": [rule_file],
        "evaluation_interval": duration(every),
        # Recording rules first, then the alerts that read them, at every evaluation (without
        # it promtool's order varies between runs; a Prometheus server runs the groups
        # independently, so there an alert may lag its recorded SLI by up to one interval).
        "group_eval_order": [g["name"] for g in rules["groups"]],
        "tests": [
            {
                "name": f"{trace.name or 'trace'} incident {incident.start.isoformat()}",
                "interval": duration(step),
                "input_series": series.input_series(),
                "alert_rule_test": checks,
                "promql_expr_test": engine,
            }
        ],
    }
    return PromTest(rules, test, tuple(cases), tuple(left_out))


def promtest_files(
    directory: str | Path, test: PromTest, name: str = "promtest"
) -> dict[Path, str]:
    """The rule file and ``<name>.yaml`` (the test) of ``test`` in ``directory``, as texts."""
    folder = Path(directory)
    rules = yaml.safe_dump(test.rules, sort_keys=False, allow_unicode=False, width=100)
    tests = yaml.safe_dump(test.tests, sort_keys=False, allow_unicode=False, width=100)
    return {folder / test.tests["rule_files"][0]: rules, folder / f"{name}.yaml": tests}


def write_promtest(directory: str | Path, test: PromTest, name: str = "promtest") -> Path:
    """Write ``<name>.yaml`` (the test) and its rule file into ``directory``; return the test.

    Both files or neither (:func:`planner.io.write_all`).
    """
    return write_all(promtest_files(directory, test, name).items())[-1]
