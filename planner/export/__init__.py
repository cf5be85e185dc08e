"""Export a plan to the engines that run rollouts: Argo Rollouts, Flagger, Prometheus rules.

Modules:

- ``argo``: Argo Rollouts: a canary ``Rollout`` and one ``AnalysisTemplate`` per monitored metric.
- ``common``: Pieces every exporter shares: object metadata, numbers as text, exposure checks.
- ``flagger``: Flagger: a ``Canary`` whose step weights are the plan's exposures, and
  ``MetricTemplate``s.
- ``names``: Names and literals that are safe in the fields the engines read.
- ``prometheus``: Prometheus rules: recording rules for the SLIs, alerting rules for every
  threshold.
- ``render``: Export targets: build every document in memory, then dump it with ``yaml.safe_dump``.
- ``target``: Where the exported manifests point: the service, its workload and the Prometheus it
  uses.
- ``queries/``: The PromQL the exports run: scoped SLI templates, canary-vs-baseline comparisons,
  burn rates, and what each rule watches.
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
