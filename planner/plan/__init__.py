"""Building the plan: stages, monitors, failure modes, guidance and the three-level rollback.

Modules:

- ``build``: ``build_plan``: a change, its risk and the service profile in; the :class:`Plan` out.
- ``catalogue``: The failure mode each kind of fact gives: what breaks, how it shows, the trigger
  that catches it and the rollback level that is still safe.
- ``code_revert``: Level 3 without the database: take the running code back, by the fastest real
  path.
- ``config_revert``: Level 2: revert the configuration the change touched, the way the project
  ships it.
- ``context``: Everything the plan builders share about one change, resolved once.
- ``failures``: Failure modes: what can fail in production, how it shows, the trigger that catches
  it and the rollback level still safe.
- ``guidance``: The human side of the plan: rollback decision matrix, pre-deployment checklist,
  deployment windows and on-call duties.
- ``hazards``: Rollback hazards: the one-way effects of a change that a rollback does not undo.
- ``infra``: The infrastructure units a change touches, with their commands for this service's
  namespace.
- ``monitors``: Default stage monitors: the reference's thresholds, scaled to the service's
  baseline.
- ``rollback``: The three-level rollback strategy with the real commits, files and commands.
- ``stages``: The five rollout stages, with waits that scale with the overall risk.
"""

from planner.plan.build import build_plan

__all__ = [
    "build_plan",
]
