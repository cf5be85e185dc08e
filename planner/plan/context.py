"""Everything the plan builders share about one change, resolved once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from planner.change.model import ChangeSet
from planner.migrations.plan import DatabasePlan
from planner.model import LEVELS, FileRisk, Monitor, Risk, RiskLevel
from planner.profile import ServiceProfile
from planner.runtime.platform import Platform
from planner.runtime.toolchain import Toolchain

__all__ = ["BASE_PLACEHOLDER", "HEAD_PLACEHOLDER", "PlanContext", "listing"]

# Marked placeholders for a manifest without commits: git rejects them, so they cannot run by
# accident, and the plan says to replace them.
BASE_PLACEHOLDER = "<base-sha>"
HEAD_PLACEHOLDER = "<head-sha>"


@dataclass(frozen=True)
class PlanContext:
    """The change, its risk, the service and what was detected about the repository."""

    changes: ChangeSet
    risk: Risk
    profile: ServiceProfile
    toolchain: Toolchain
    platform: Platform
    database: DatabasePlan | None
    flag: str | None
    base_ref: str
    head_ref: str
    monitors: Mapping[str, Monitor]

    @property
    def overall(self) -> RiskLevel:
        """The change's overall risk level."""
        return self.risk.overall

    def at_least(self, level: RiskLevel) -> bool:
        """True when the overall risk is ``level`` or higher."""
        return LEVELS.index(self.overall) >= LEVELS.index(level)

    @property
    def first_level(self) -> int:
        """The rollback level that is the first response: 1 with a flag, else 3."""
        return 1 if self.flag else 3

    @property
    def placeholder_refs(self) -> bool:
        """True when the base/head refs are marked placeholders (manifest without commits)."""
        return self.base_ref == BASE_PLACEHOLDER

    @cached_property
    def _by_category(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, f in enumerate(self.risk.files):
            for category in f.categories:
                index.setdefault(category, []).append(i)
        return index

    def with_category(self, *categories: str) -> tuple[FileRisk, ...]:
        """Files whose categories include any of ``categories``, in change order."""
        hits = sorted({i for c in categories for i in self._by_category.get(c, ())})
        return tuple(self.risk.files[i] for i in hits)

    def at_level(self, level: RiskLevel) -> tuple[FileRisk, ...]:
        """Files rated ``level``."""
        return tuple(f for f in self.risk.files if f.level == level)


def listing(paths: tuple[str, ...] | list[str], limit: int = 5) -> str:
    """``a, b, c and 7 more`` in backticks: a readable list that stays short for huge changes."""
    shown = ", ".join(f"`{p}`" for p in paths[:limit])
    extra = len(paths) - limit
    return f"{shown} and {extra} more" if extra > 0 else shown
