"""Read range queries from a Prometheus server over its HTTP API (``/api/v1/query_range``).

A long range is split into chunks of at most :data:`CHUNK_POINTS` evaluation steps (the server
refuses more than 11,000 points per series) and the answers are joined on the regular grid
``start + k * step``. Several series become several columns, named deterministically from their
labels (:func:`series_name`). Every failure (connection refused, timeout, an HTTP error, a
``status: error`` answer, an unexpected body) is a :class:`~simulations.exceptions.PrometheusError`
with a one-line message naming the server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import requests

from planner.io import parse_json_text
from planner.limits import MAX_ANSWER_BYTES, MAX_QUERY_POINTS
from simulations.exceptions import PrometheusError, TraceError
from simulations.loaders.prometheus.times import parse_prom_duration, parse_prom_time
from simulations.traces.model import Metric, Trace, canonical_metric
from simulations.traces.repair import RepairOptions, build_trace

__all__ = [
    "CHUNK_POINTS",
    "PrometheusAuth",
    "chunk_ranges",
    "parse_matrix",
    "parse_prom_duration",
    "parse_prom_time",
    "prometheus_trace",
    "query_range",
    "series_name",
]

CHUNK_POINTS = 10_000  # below the server's limit of 11,000 points per series
_FIRST_SECOND, _LAST_SECOND = 0.0, 7258118400.0  # 1970-01-01 to 2200-01-01


@dataclass(frozen=True)
class PrometheusAuth:
    """Credentials: a bearer token, or a user name and password for basic auth."""

    bearer_token: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.bearer_token is not None and self.username is not None:
            raise PrometheusError("auth: give a bearer token or a user name, not both")
        if (self.username is None) != (self.password is None):
            raise PrometheusError("auth: basic auth needs both a user name and a password")


def chunk_ranges(
    start: pd.Timestamp, end: pd.Timestamp, step: pd.Timedelta, max_points: int = CHUNK_POINTS
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Split ``[start, end]`` into ranges of at most ``max_points`` evaluations on one grid."""
    if end < start:
        raise PrometheusError(f"range: end {end.isoformat()} is before start {start.isoformat()}")
    total = (end - start) // step + 1
    MAX_QUERY_POINTS.check(
        f"range {start.isoformat()} to {end.isoformat()} at a step of {step.total_seconds():g}s",
        total,
        PrometheusError,
    )
    out = []
    for first in range(0, total, max_points):
        last = min(first + max_points, total) - 1
        out.append((start + first * step, start + last * step))
    return out


def series_name(labels: Mapping[str, str], keep_name: bool = True) -> str:
    """``name{a="1",b="2"}`` with labels sorted by key (``__name__`` is the prefix)."""
    name = labels.get("__name__", "") if keep_name else ""
    rest = sorted((k, v) for k, v in labels.items() if k != "__name__")
    inner = ",".join(f"{k}={json.dumps(v)}" for k, v in rest)
    return f"{name}{{{inner}}}" if inner else name


def parse_matrix(payload: Any, where: str) -> dict[str, list[tuple[float, float]]]:
    """Series name -> ``[(unix seconds, value)]`` from a ``query_range`` JSON answer.

    Raises:
        PrometheusError: ``status`` is not ``success`` or the body is not a matrix.
    """
    if not isinstance(payload, dict):
        raise PrometheusError(f"{where}: expected a JSON object, got {type(payload).__name__}")
    if payload.get("status") != "success":
        kind = payload.get("errorType", "error")
        msg = " ".join(str(payload.get("error", "no error message")).split())
        raise PrometheusError(f"{where}: {kind}: {msg}")
    data = payload.get("data")
    if not isinstance(data, dict) or data.get("resultType") != "matrix":
        got = data.get("resultType") if isinstance(data, dict) else data
        raise PrometheusError(f"{where}: expected resultType matrix, got {got!r}")
    out: dict[str, list[tuple[float, float]]] = {}
    try:
        for series in data.get("result", []):
            name = series_name(series.get("metric", {}))
            points = [(float(t), float(v)) for t, v in series.get("values", [])]
            for t, _ in points:
                if not _FIRST_SECOND <= t <= _LAST_SECOND:  # else dropped with a numpy warning
                    raise PrometheusError(
                        f"{where}: series {name}: timestamp {t!r} is not a Unix time in "
                        "1970-2200 (expected seconds)"
                    )
            out.setdefault(name, []).extend(points)
    except (TypeError, ValueError, AttributeError) as exc:
        raise PrometheusError(f"{where}: malformed series in the answer: {exc}") from None
    return out


def _headers(auth: PrometheusAuth | None) -> dict[str, str]:
    if auth is not None and auth.bearer_token is not None:
        return {"Authorization": f"Bearer {auth.bearer_token}"}
    return {}


def _fetch(
    session: requests.Session,
    url: str,
    form: dict[str, str],
    auth: PrometheusAuth | None,
    timeout: float,
) -> Any:
    basic = None
    if auth is not None and auth.username is not None and auth.password is not None:
        basic = (auth.username, auth.password)
    try:
        resp = session.post(
            url, data=form, headers=_headers(auth), auth=basic, timeout=timeout, stream=True
        )
        text = _read_capped(resp, url)
    except requests.exceptions.Timeout:
        raise PrometheusError(f"{url}: no answer within {timeout:g} s") from None
    except requests.exceptions.ConnectionError as exc:
        reason = "connection refused" if "refused" in str(exc).lower() else "cannot connect"
        raise PrometheusError(f"{url}: {reason}") from None
    except requests.exceptions.RequestException as exc:
        raise PrometheusError(f"{url}: {type(exc).__name__}: {exc}".splitlines()[0]) from None
    try:  # the one JSON policy: a 200,000-deep answer is one line, not a RecursionError
        payload = parse_json_text(text, url, PrometheusError)
    except PrometheusError as exc:
        if resp.status_code == 200 and "invalid JSON" not in str(exc):
            raise
        payload = None
    if resp.status_code != 200:
        if isinstance(payload, dict) and payload.get("status") == "error":
            parse_matrix(payload, f"{url}: HTTP {resp.status_code}")
        body = " ".join(text.split())[:200]
        raise PrometheusError(f"{url}: HTTP {resp.status_code} {resp.reason}: {body}")
    if payload is None:
        raise PrometheusError(f"{url}: the answer is not JSON: {text[:100]!r}")
    return payload


def _read_capped(resp: requests.Response, url: str) -> str:
    """The answer's text, read in chunks and refused past :data:`MAX_ANSWER_BYTES`, so a huge
    or endless answer is one line, not all the memory."""
    limit = MAX_ANSWER_BYTES.value()
    chunks: list[bytes] = []
    size = 0
    with resp:
        for chunk in resp.iter_content(1 << 20):
            size += len(chunk)
            if size > limit:
                raise PrometheusError(MAX_ANSWER_BYTES.over(f"{url}: the answer", None))
            chunks.append(chunk)
    return b"".join(chunks).decode(resp.encoding or "utf-8", errors="replace")


def query_range(
    url: str,
    query: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    step: pd.Timedelta,
    *,
    auth: PrometheusAuth | None = None,
    timeout: float = 30.0,
    session: requests.Session | None = None,
) -> pd.DataFrame:
    """Evaluate ``query`` at ``start + k * step`` up to ``end``; one column per series.

    Args:
        url: the server's base URL, e.g. ``http://127.0.0.1:9090``.
        query: a PromQL expression.
        start, end: UTC times (inclusive).
        step: the evaluation step.
        auth: optional bearer token or basic auth.
        timeout: seconds to wait for each chunk's answer.
        session: a ``requests`` session to reuse.

    Returns:
        A frame indexed by the full UTC grid (missing evaluations are ``NaN``), columns named by
        :func:`series_name` and sorted.

    Raises:
        PrometheusError: see the module docstring.
    """
    endpoint = url.rstrip("/") + "/api/v1/query_range"
    step_s = step.total_seconds()
    ranges = chunk_ranges(start, end, step)  # checks the number of points first
    grid = pd.date_range(start, end, freq=step, name="timestamp").as_unit("ns")
    merged: dict[str, list[tuple[float, float]]] = {}
    own = session or requests.Session()
    try:
        for first, last in ranges:
            form = {
                "query": query,
                "start": f"{first.value / 1e9:.3f}",
                "end": f"{last.value / 1e9:.3f}",
                "step": f"{step_s:g}",
            }
            payload = _fetch(own, endpoint, form, auth, timeout)
            for name, points in parse_matrix(payload, endpoint).items():
                merged.setdefault(name, []).extend(points)
    finally:
        if session is None:
            own.close()
    columns = {}
    for name in sorted(merged):
        times, values = zip(*merged[name], strict=True) if merged[name] else ((), ())
        ns = np.round(np.asarray(times, dtype=np.float64) * 1e3).astype(np.int64) * 1_000_000
        series = pd.Series(values, index=pd.DatetimeIndex(ns, tz="UTC"), dtype=np.float64)
        series = series[~series.index.duplicated(keep="last")]
        columns[name] = series.reindex(grid)
    return pd.DataFrame(columns, index=grid)


def prometheus_trace(
    url: str,
    queries: Mapping[str, str],
    start: pd.Timestamp,
    end: pd.Timestamp,
    step: pd.Timedelta,
    *,
    auth: PrometheusAuth | None = None,
    timeout: float = 30.0,
) -> Trace:
    """A canonical :class:`Trace` from one query per canonical column.

    ``queries`` maps a canonical column name (``error_ratio``) to PromQL. A query answering one
    series gives that column; several series give ``name{labels}`` columns, one per series.

    Raises:
        PrometheusError: a query fails or returns no series.
        TraceError: a name is not canonical or the values are rejected (negative counts ...).
    """
    frames: list[pd.DataFrame] = []
    metrics: list[Metric] = []
    with requests.Session() as session:
        for name, promql in queries.items():
            base = canonical_metric(name)
            frame = query_range(
                url, promql, start, end, step, auth=auth, timeout=timeout, session=session
            )
            if frame.shape[1] == 0:
                raise PrometheusError(f"{url}: query {promql!r} for {name} returned no series")
            if frame.shape[1] == 1:
                frame.columns = pd.Index([name])
            else:
                renamed = [
                    name + ("{" + c.partition("{")[2] if "{" in c else "") for c in frame.columns
                ]
                if len(set(renamed)) != len(renamed):
                    raise TraceError(f"{url}: query for {name}: series differ only by metric name")
                frame.columns = pd.Index(renamed)
            frames.append(frame)
            metrics.extend(
                Metric(c, base.kind, base.unit, base.direction, base.statistic)
                for c in frame.columns
            )
    combined = pd.concat(frames, axis=1)
    return build_trace(
        combined,
        tuple(metrics),
        source=url,
        options=RepairOptions(step=step),
        name=f"prometheus {url}",
    )
