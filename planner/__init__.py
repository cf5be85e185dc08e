"""Turn a change (a git range or a manifest) into a production-readiness plan.

Subpackages, in the order a change flows through them: ``change`` (what changed), ``risk``
(rated per file), ``migrations`` (database steps and their undo), ``runtime`` (where and how
the service runs), ``plan`` (stages, monitors, failure modes, rollback), ``schedule`` (deployment
windows), ``thresholds`` (tuned rollback rules), ``render`` (Markdown and JSON) and ``export``
(Argo Rollouts, Flagger, Prometheus). ``usecase.plan_change`` runs the whole flow; ``cli`` and
``commands/`` are the command line. Pure Python: no pandas, no simpy.
"""

from planner.exceptions import PlannerError
from planner.model import SCHEMA_VERSION, Plan
from planner.plan import build_plan
from planner.render import render_plan
from planner.risk import classify
from planner.schedule import schedule_plan
from planner.usecase import PlanRequest, plan_change

__all__ = [
    "SCHEMA_VERSION",
    "Plan",
    "PlanRequest",
    "PlannerError",
    "build_plan",
    "classify",
    "plan_change",
    "render_plan",
    "schedule_plan",
]
