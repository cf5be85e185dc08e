"""Traces that are not files: a live Prometheus server and the synthetic sample generator.

Modules:

- ``synthetic``: A seeded generator of web-service traces with injected, labelled incidents.
"""

from simulations.loaders.prometheus.client import prometheus_trace, query_range
from simulations.sources.synthetic import WebServiceSpec, generate_web_service, write_sample

__all__ = [
    "WebServiceSpec",
    "generate_web_service",
    "prometheus_trace",
    "query_range",
    "write_sample",
]
