"""Import the rules a team already runs (Argo Rollouts, Flagger, Prometheus) as thresholds.

Modules:

- ``argo``: Argo Rollouts ``Rollout``s and the ``(Cluster)AnalysisTemplate``s they run.
- ``comparison``: canary-versus-baseline checks read back as ``baseline`` rules.
- ``documents``: reading the engines' YAML files; notes on what was skipped and why.
- ``flagger``: Flagger ``Canary``s with their builtin checks and ``MetricTemplate``s.
- ``mapping``: from a recognised query and an engine's bounds to a thresholds-file rule.
- ``prometheus``: Prometheus alerting rules (``PrometheusRule`` or ``groups:`` files).
- ``run``: engine files in, one thresholds document and its notes out.
- ``sli``: what a PromQL query measures (error ratio, success rate, latency quantile).
"""

from planner.rules_import.documents import Note
from planner.rules_import.run import ENGINES, ImportResult, import_rules
from planner.rules_import.sli import QueryNotMapped, Sli, recognise_sli

__all__ = [
    "ENGINES",
    "ImportResult",
    "Note",
    "QueryNotMapped",
    "Sli",
    "import_rules",
    "recognise_sli",
]
