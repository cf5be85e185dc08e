"""Placing the plan's stages inside deployment windows, holidays and freezes.

Modules:

- ``calendar``: The deployment calendar: when a rollout stage may start.
- ``openings``: When a calendar is open: the instants at which a gated stage may start, and why
  not.
- ``place``: Place the rollout stages on a deployment calendar.
- ``weekly``: Weekly windows: wall-clock time ranges per weekday, read from ``mon-thu:
  "10:00-16:00"``.
"""

from planner.schedule.calendar import DeploymentCalendar, load_calendar, parse_calendar
from planner.schedule.place import Schedule, Slot, schedule_plan

__all__ = [
    "DeploymentCalendar",
    "Schedule",
    "Slot",
    "load_calendar",
    "parse_calendar",
    "schedule_plan",
]
