"""The one exception hierarchy of :mod:`planner`.

Every error a user can cause derives from :class:`PlannerError`; the CLI prints its message on
one line and exits with status 2. Messages name the file, field or value and what was expected.
"""

from __future__ import annotations

__all__ = [
    "CalendarError",
    "ChangeError",
    "ExportError",
    "GitError",
    "ManifestError",
    "PlanError",
    "PlannerError",
    "PolicyError",
    "ProfileError",
    "ThresholdsError",
]


class PlannerError(Exception):
    """Base class of every user-facing error raised by :mod:`planner`."""


class GitError(PlannerError):
    """The repository, a ref or a range cannot be read with git."""


class ChangeError(PlannerError):
    """A change is unusable (for example, an empty range)."""


class ManifestError(PlannerError):
    """A change manifest has a missing field, a wrong type or an unknown value."""


class ProfileError(PlannerError):
    """A service profile has a missing field, a wrong type or an unknown value."""


class PolicyError(PlannerError):
    """A risk policy rule is malformed (bad pattern, unknown level)."""


class PlanError(PlannerError):
    """A plan document (JSON) does not follow the plan schema."""


class ExportError(PlannerError):
    """A plan cannot be expressed in the requested engine's format."""


class CalendarError(PlannerError):
    """A deployment calendar is invalid (unknown zone, country, or window)."""


class ThresholdsError(PlannerError):
    """A thresholds file has an unknown family or field, a bad duration or an inconsistent rule."""
