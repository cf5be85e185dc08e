"""Building the plan: stages, monitors, failure modes, guidance and the three-level rollback.

Modules:

- ``build``: ``build_plan``: a change, its risk and the service profile in; the :class:`Plan` out.
- ``catalogue``: The failure mode each kind of fact gives: what breaks, how it shows in metrics or
  logs, the trigger that catches it and the rollback level that is still safe.
- ``context``: Everything the plan builders share about one change, resolved once.
- ``failures``: Failure modes: what can fail in production, how it shows, the trigger that catches
  it and the rollback level that is still safe, built from the facts of this change.
- ``guidance``: The human side of the plan: rollback decision matrix, pre-deployment checklist,
  deployment windows and on-call duties, following the reference and adapted to the change.
- ``infra``: The infrastructure units a change touches, with their commands for this service's
  namespace.
- ``monitors``: Default stage monitors: the reference's thresholds, scaled to the service's
  baseline.
- ``stages``: The five rollout stages, with waits that scale with the overall risk.
- ``rollback/``: The three-level rollback: feature flag, configuration revert, code revert, and the
  hazards no rollback undoes.
"""

from planner.plan.build import build_plan

__all__ = [
    "build_plan",
]
