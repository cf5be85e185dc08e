"""Traces that are not files: a live Prometheus server and the synthetic sample generator.

Modules:

- ``prom_time``: Times and durations as Prometheus' HTTP API and ``promtool`` write them.
- ``prometheus``: Read range queries from a Prometheus server over its HTTP API
  (``/api/v1/query_range``).
- ``synthetic``: A seeded generator of web-service traces with injected, labelled incidents.
"""

from simulations.sources.prometheus import prometheus_trace, query_range
from simulations.sources.synthetic import WebServiceSpec, generate_web_service, write_sample

__all__ = [
    "WebServiceSpec",
    "generate_web_service",
    "prometheus_trace",
    "query_range",
    "write_sample",
]
