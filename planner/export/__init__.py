"""Export a plan to the engines that run rollouts: Argo Rollouts, Flagger, Prometheus rules.

Modules:

- ``argo``: a canary ``Rollout`` and one ``AnalysisTemplate`` per monitored metric.
- ``burnrate``: a thresholds file's ``burn_rate`` rules as service-wide Prometheus alerts.
- ``common``: object metadata, numbers as text, exposure checks.
- ``compare``: the ``baseline`` family as a comparison of the two versions' series.
- ``flagger``: a ``Canary`` (builtin checks where they fit) and ``MetricTemplate``s.
- ``names``: names and literals that are safe in the fields the engines read.
- ``prometheus``: recording rules for the SLIs, alerting rules for every threshold.
- ``promql``: SLI templates, their rendering, scoping matchers and sustained queries.
- ``render``: every document built in memory, then dumped with ``yaml.safe_dump``.
- ``target``: the service, its workload, its labels and the Prometheus the engines query.
- ``watch``: each monitored metric once, with its stages, rollback and scope.
"""

from planner.export.argo import build_argo
from planner.export.flagger import build_flagger
from planner.export.prometheus import build_rules
from planner.export.render import TARGETS, dump_yaml, export_files
from planner.export.target import ExportTarget, target_from_profile

__all__ = [
    "TARGETS",
    "ExportTarget",
    "build_argo",
    "build_flagger",
    "build_rules",
    "dump_yaml",
    "export_files",
    "target_from_profile",
]
