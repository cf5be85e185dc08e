"""Traces from a Prometheus server: the HTTP client and its time and duration grammar.

Modules:

- ``client``: Read range queries from a Prometheus server over its HTTP API
  (``/api/v1/query_range``).
- ``times``: Times and durations as Prometheus' HTTP API and ``promtool`` write them.
"""

from simulations.loaders.prometheus.client import (
    CHUNK_POINTS,
    PrometheusAuth,
    chunk_ranges,
    parse_matrix,
    parse_prom_duration,
    parse_prom_time,
    prometheus_trace,
    query_range,
    series_name,
)

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
