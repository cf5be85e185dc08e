"""The PromQL the exports run: scoped SLI templates, canary-vs-baseline comparisons, burn rates,
and what each rule watches.

Modules:

- ``burnrate``: Error-budget burn rate: a thresholds file's ``burn_rate`` rules as Prometheus
  alerts.
- ``compare``: Canary versus baseline: the ``baseline`` family as a comparison of the two versions'
  series.
- ``promql``: SLI PromQL: default templates for common conventions, overridable per service.
- ``watch``: What the engines watch: each monitored metric once, with the stages and rollback
  behind it.
"""

from planner.export.queries.burnrate import BurnRate, burn_rates_from_rules, window_targets
from planner.export.queries.compare import Comparison, comparisons_from_rules, excess_query
from planner.export.queries.promql import (
    DEFAULT_TEMPLATES,
    render_scoped_sli,
    render_sli,
    scope_matchers,
    sli_template,
    sustained_query,
    with_matchers,
)
from planner.export.queries.watch import Watch, exposed, rollback_command, rollback_name, watches

__all__ = [
    "DEFAULT_TEMPLATES",
    "BurnRate",
    "Comparison",
    "Watch",
    "burn_rates_from_rules",
    "comparisons_from_rules",
    "excess_query",
    "exposed",
    "render_scoped_sli",
    "render_sli",
    "rollback_command",
    "rollback_name",
    "scope_matchers",
    "sli_template",
    "sustained_query",
    "watches",
    "window_targets",
    "with_matchers",
]
