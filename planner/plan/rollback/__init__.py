"""The three-level rollback: feature flag, configuration revert, code revert, and the hazards no
rollback undoes.

Modules:

- ``code``: Level 3 without the database: take the running code back, by the fastest real path.
- ``config``: Level 2: revert the configuration the change touched, the way the project ships it.
- ``hazards``: Rollback hazards: the one-way effects of a change that a rollback does not undo.
- ``levels``: The three-level rollback strategy with the real commits, files and commands.
"""

from planner.plan.rollback.code import FEW, LISTED, CodeRevert, build_code_revert
from planner.plan.rollback.config import Estimator, build_level2
from planner.plan.rollback.hazards import HAZARDS, HazardText, build_hazards
from planner.plan.rollback.levels import TARGETS, build_rollback

__all__ = [
    "FEW",
    "HAZARDS",
    "LISTED",
    "TARGETS",
    "CodeRevert",
    "Estimator",
    "HazardText",
    "build_code_revert",
    "build_hazards",
    "build_level2",
    "build_rollback",
]
