"""``promtool test rules`` files: Prometheus's rule engine replays an incident we replayed.

For each exported alerting rule (:func:`planner.export.build_rules`), the recorded SLI series it
watches is filled with a window of a trace around an incident, and the alert is expected to
fire when our own static detector (:class:`~simulations.detectors.StaticThreshold`, Prometheus
``for:`` semantics) says it does, within ``tolerance`` evaluation intervals, or to stay silent
when the detector never fires. For each firing alert, a ``promql_expr_test`` also checks that the
engines' sustained query (what Argo Rollouts and Flagger measure) crosses the threshold at the
same minute. ``promtool test rules`` then checks Prometheus agrees.

Time convention (the detectors'): sample ``i`` of the window covers minutes ``[i, i + 1) x step``
and becomes visible at its end, so it is written at promtool time ``(i + 1) x step``; promtool
time 0 has no sample. ``NaN`` (no data) is written as a stale marker, which ends the series at
that instant exactly as the detector's "no data resets the alert".

Plan metrics map onto trace columns: ``error_rate`` is ``error_ratio``, ``success_rate`` is
``1 - error_ratio``, ``latency_pNN`` is ``latency_pNN_ms``; other monitors are left out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from planner.export import ExportTarget
from planner.export.common import number
from planner.export.names import duration, promql_string
from planner.export.prometheus import LEVELS, alerting_rule, sli_selector
from planner.export.promql import sustained_query
from planner.export.watch import watches
from planner.io import write_all
from planner.model import Monitor, Plan
from simulations.detectors import Observed, StaticThreshold, alarm_minutes
from simulations.exceptions import SimulationError
from simulations.traces.model import Incident, Trace

__all__ = [
    "AlertCase",
    "PromTest",
    "build_promtest",
    "promtest_files",
    "trace_series",
    "write_promtest",
]

_LATENCY = re.compile(r"latency_p(\d{2})(?:_ms)?")


@dataclass(frozen=True)
class AlertCase:
    """What the detector predicts for one alert: the minute it fires (None: never)."""

    alert: str
    fires_at_minutes: float | None


@dataclass(frozen=True)
class PromTest:
    """A rule file (the alerting group) and the promtool test file that replays the incident."""

    rules: dict[str, Any]
    tests: dict[str, Any]
    cases: tuple[AlertCase, ...]


def trace_series(trace: Trace, metric: str) -> pd.Series | None:
    """The trace column that plan ``metric`` watches, in the monitor's unit (None: not there)."""
    cols = set(trace.frame.columns)
    if metric in ("error_rate", "success_rate") and "error_ratio" in cols:
        ratio = trace.frame["error_ratio"].astype(float)
        return ratio if metric == "error_rate" else 1.0 - ratio
    latency = _LATENCY.fullmatch(metric)
    if latency and f"latency_p{latency.group(1)}_ms" in cols:
        return trace.frame[f"latency_p{latency.group(1)}_ms"].astype(float)
    return None


def _values(samples: np.ndarray) -> str:
    return " ".join(["_", *("stale" if math.isnan(v) else repr(float(v)) for v in samples)])


def _render(text: str) -> str:
    """Go-template output of an exported label or annotation (undo our ``{`` escape)."""
    return "{".join(text.split('{{"{"}}'))


def _checks(
    rule: dict[str, Any], fired: np.ndarray, step: float, every: float, tolerance: int
) -> tuple[list[dict[str, Any]], float | None, float | None]:
    """Alert checks, the detector's firing minute and the minute the firing is checked at."""
    expected = [
        {
            "exp_labels": {k: _render(v) for k, v in rule["labels"].items()},
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
    # Latest time within the tolerance at which the detector still fires without a break.
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
    monitor: Monitor,
    level: str,
    values: np.ndarray,
    times: tuple[float, float],
    step: float,
) -> list[dict[str, Any]]:
    """The engines' measurement (the sustained query Argo and Flagger run) crosses the same
    threshold at the same minutes: 1 when the alert is checked firing, 0 at the silent check
    when its whole window has data (at the very start of data the query sees a partial window).
    """
    threshold = monitor.critical if level == "critical" else monitor.warning
    op = ">" if monitor.direction == "above" else "<"
    query = sustained_query(sli_selector(target, monitor.metric), monitor, target.interval_minutes)
    expr = f"{query} {op} bool {number(threshold)}"
    ns, svc = promql_string(target.namespace), promql_string(target.service)
    labels = f"{{namespace={ns},service={svc}}}"
    fire_at, before = times
    out = [
        {
            "expr": expr,
            "eval_time": duration(fire_at),
            "exp_samples": [{"labels": labels, "value": 1}],
        }
    ]
    first = round((before - monitor.for_minutes) / step) - 1
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


def build_promtest(
    plan: Plan,
    target: ExportTarget,
    trace: Trace,
    incident: Incident,
    *,
    rule_file: str = "alerts.yaml",
    margin_minutes: float = 30.0,
    tolerance: int = 1,
) -> PromTest:
    """The rule file and promtool test replaying ``incident`` of ``trace`` for ``plan``'s alerts.

    The window is the incident with ``margin_minutes`` before and after, clipped to the trace.

    Raises:
        SimulationError: the evaluation interval is not a multiple of the trace step, or no
            monitored metric of the plan is in the trace.
        ExportError: the plan cannot be exported (see :func:`planner.export.build_rules`).
    """
    step = trace.step.total_seconds() / 60.0
    every = target.interval_minutes
    if abs(every / step - round(every / step)) > 1e-9 or every < step:
        raise SimulationError(
            f"interval_minutes(={every}) must be a multiple of the trace step ({step} min)"
        )
    margin = pd.Timedelta(minutes=margin_minutes)
    frame = trace.frame.loc[incident.start - margin : incident.end - trace.step + margin]
    window = Trace(frame, trace.metrics, trace.step, name=trace.name)
    rules: list[dict[str, Any]] = []
    series: list[dict[str, str]] = []
    checks: list[dict[str, Any]] = []
    engine: list[dict[str, Any]] = []
    cases: list[AlertCase] = []
    for watch in watches(plan):
        m = watch.monitor
        column = trace_series(window, m.metric)
        if column is None:
            continue
        values = column.to_numpy(dtype=float)
        series.append({"series": sli_selector(target, m.metric), "values": _values(values)})
        for level in LEVELS:
            rule = alerting_rule(plan, target, watch, level)
            rules.append(rule)
            detector = StaticThreshold(
                metric=m.metric,
                threshold=m.critical if level == "critical" else m.warning,
                direction=m.direction,
                for_minutes=m.for_minutes,
                evaluation_interval_minutes=every,
            )
            fired = detector.firing(Observed(step_minutes=step, value=values))
            found, t, at = _checks(rule, fired, step, every, tolerance)
            checks.extend(found)
            cases.append(AlertCase(rule["alert"], t))
            if t is not None and at is not None:
                before = t - (tolerance + 1) * every
                engine.extend(_engine_checks(target, m, level, values, (at, before), step))
    if not series:
        raise SimulationError(
            f"trace {trace.name!r}: none of the plan's monitored metrics is in the trace"
        )
    test = {
        "rule_files": [rule_file],
        "evaluation_interval": duration(every),
        "tests": [
            {
                "name": f"{trace.name or 'trace'} incident {incident.start.isoformat()}",
                "interval": duration(step),
                "input_series": series,
                "alert_rule_test": checks,
                "promql_expr_test": engine,
            }
        ],
    }
    group = {"name": "replayed-alerts", "interval": duration(every), "rules": rules}
    return PromTest({"groups": [group]}, test, tuple(cases))


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
