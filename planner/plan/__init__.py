"""Building the plan: stages, monitors, failure modes, guidance and the three-level rollback.

Modules:

- ``build``: ``build_plan``: a change, its risk and the service profile in; the :class:`Plan` out.
- ``catalogue``: The failure mode each kind of fact gives: what breaks, how it shows, the
  trigger that catches it and the rollback level that is still safe.
- ``context``: Everything the plan builders share about one change, resolved once.
- ``failures``: Failure modes: what can fail in production, how it shows, the trigger that
  catches it and the rollback level that is still safe, built from the facts of this change.
- ``guidance``: The human side of the plan: rollback decision matrix, pre-deployment checklist,
  deployment
- ``hazards``: Rollback hazards: the one-way effects of a change that a rollback does not undo.
- ``monitors``: Default stage monitors: the reference's thresholds, scaled to the service's
  baseline.
- ``rollback``: The three-level rollback strategy with the real commits, files and commands.
- ``stages``: The five rollout stages, with waits that scale with the overall risk.
"""

from planner.plan.build import build_plan

__all__ = [
    "build_plan",
]
