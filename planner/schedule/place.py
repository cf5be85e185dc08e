"""Place the rollout stages on a deployment calendar.

:func:`schedule_stages` gives each stage a start and an end. A stage is *gated* when it widens
exposure (its ``exposure_percent`` is above the previous stage's; the first compares with 0),
or every stage is when the calendar says ``gated_stages: all``. A gated stage starts at the
first calendar opening at or after it is ready (see :mod:`planner.schedule.openings`); other
stages start as soon as they are ready, unless a freeze holds them: then they too wait for the
first opening after the freeze. A stage is ready at the requested start (the first
stage) or when the previous stage's wait ends. Waits run through nights, weekends, holidays
and freezes: only starts are gated. The schedule is computed twice, with every wait at its
minimum (earliest) and at its maximum (latest).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from planner.exceptions import CalendarError
from planner.model import ExpectedDuration, Plan, ScheduledStage, Stage
from planner.schedule.calendar import DeploymentCalendar, load_calendar
from planner.schedule.openings import (
    after_freezes,
    closed_reason,
    hold_reason,
    next_opening,
    to_utc,
)

__all__ = [
    "Schedule",
    "Slot",
    "apply_schedule",
    "next_allowed_start",
    "parse_start",
    "schedule_plan",
    "schedule_stages",
]


@dataclass(frozen=True)
class Slot:
    """One stage on the calendar; datetimes are aware and in UTC.

    UTC because Python compares and subtracts two datetimes that share a ``ZoneInfo`` by
    their wall clocks, which is wrong across a daylight-saving change.

    ``ready`` is when the stage could have started; ``start > ready`` means it was held and
    ``reason`` says why. A gated stage that starts in an allowed but not preferred window has
    ``reason`` ``"outside preferred window (Mon 10:00)"`` and is not held.
    """

    stage: str
    gated: bool
    ready: dt.datetime
    start: dt.datetime
    end: dt.datetime
    reason: str = ""

    @property
    def held(self) -> bool:
        return self.start > self.ready


@dataclass(frozen=True)
class Schedule:
    """The stages placed twice: ``earliest`` (minimum waits) and ``latest`` (maximum waits)."""

    timezone: str
    requested_start: dt.datetime  # UTC
    earliest: tuple[Slot, ...]
    latest: tuple[Slot, ...]

    def __post_init__(self) -> None:
        if not self.earliest or len(self.earliest) != len(self.latest):
            raise ValueError(
                "a schedule needs the same, non-zero number of earliest and latest slots"
            )

    @property
    def earliest_minutes(self) -> float:
        """Elapsed minutes from the first stage's start to the last stage's end, minimum waits."""
        return _minutes(self.earliest[-1].end - self.earliest[0].start)

    @property
    def latest_minutes(self) -> float:
        """Elapsed minutes from the first stage's start to the last stage's end, maximum waits."""
        return _minutes(self.latest[-1].end - self.latest[0].start)

    def to_records(self) -> tuple[ScheduledStage, ...]:
        """The plan's ``schedule`` entries (ISO 8601 with offsets)."""
        zone = ZoneInfo(self.timezone)
        return tuple(
            ScheduledStage(
                stage=e.stage,
                start=_iso(e.start, zone),
                end=_iso(e.end, zone),
                held_until=_iso(e.start, zone) if e.held else None,
                reason=e.reason,
                latest_start=_iso(late.start, zone),
                latest_end=_iso(late.end, zone),
            )
            for e, late in zip(self.earliest, self.latest, strict=True)
        )

    def expected_duration(self) -> ExpectedDuration:
        """The plan's ``expected_duration``."""
        zone = ZoneInfo(self.timezone)
        return ExpectedDuration(
            start=_iso(self.earliest[0].start, zone),
            earliest_end=_iso(self.earliest[-1].end, zone),
            latest_end=_iso(self.latest[-1].end, zone),
            earliest_minutes=self.earliest_minutes,
            latest_minutes=self.latest_minutes,
        )


def _minutes(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 60


def _iso(moment: dt.datetime, zone: ZoneInfo) -> str:
    moment = moment.astimezone(zone)
    precise = moment.second or moment.microsecond
    return moment.isoformat(timespec="seconds" if precise else "minutes")


def _place(
    stages: Sequence[Stage], start: dt.datetime, calendar: DeploymentCalendar, latest: bool
) -> tuple[Slot, ...]:
    slots: list[Slot] = []
    ready, exposure = to_utc(start, calendar), 0.0
    for stage in stages:
        gated = calendar.gated_stages == "all" or stage.exposure_percent > exposure
        # A freeze stops every stage; windows, holidays and on-call hours only gated ones. A
        # stage a freeze held resumes at the next opening, not at the freeze's midnight end.
        thawed = after_freezes(calendar, ready)
        begin = next_opening(calendar, ready) if gated or thawed > ready else ready
        if begin > ready:
            reason = hold_reason(calendar, ready, begin)
        else:  # not held: note a gated start outside the preferred windows
            note = closed_reason(calendar, begin, preferred=True) if gated else None
            reason = note if note and note.startswith("outside preferred") else ""
        wait = stage.wait_minutes.max if latest else stage.wait_minutes.min
        end = begin + dt.timedelta(minutes=wait)  # UTC arithmetic: exact across DST
        slots.append(Slot(stage.name, gated, ready, begin, end, reason))
        ready, exposure = end, max(exposure, stage.exposure_percent)
    return tuple(slots)


def schedule_stages(
    stages: Sequence[Stage], start: dt.datetime, calendar: DeploymentCalendar
) -> Schedule:
    """Place ``stages`` on ``calendar`` from ``start`` (naive: a wall time in its zone).

    Raises:
        CalendarError: no window opens within the search horizon for a gated stage.
        ValueError: ``stages`` is empty.
    """
    if not stages:
        raise ValueError("schedule_stages: need at least one stage")
    return Schedule(
        timezone=calendar.timezone,
        requested_start=to_utc(start, calendar),
        earliest=_place(stages, start, calendar, latest=False),
        latest=_place(stages, start, calendar, latest=True),
    )


def next_allowed_start(calendar: DeploymentCalendar, now: dt.datetime) -> dt.datetime:
    """The first allowed start at or after ``now``, rounded up to the minute, in the zone."""
    moment = to_utc(now, calendar)
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return next_opening(calendar, moment).astimezone(calendar.zone)


def apply_schedule(plan: Plan, schedule: Schedule) -> Plan:
    """``plan`` with its ``schedule`` and ``expected_duration`` filled from ``schedule``."""
    return dataclasses.replace(
        plan, schedule=schedule.to_records(), expected_duration=schedule.expected_duration()
    )


def parse_start(text: str) -> dt.datetime:
    """Read ``--start``: ISO 8601, naive (a wall time in the calendar's zone) or with an offset.

    Raises:
        CalendarError: not an ISO 8601 date or date-time.
    """
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CalendarError(
            f"--start: {text!r} is not an ISO 8601 date-time (e.g. 2026-12-23T15:00 or "
            "2026-12-23T20:00+00:00)"
        ) from None


def schedule_plan(
    plan: Plan,
    start: str | None,
    calendar: str | Path | None,
    now: dt.datetime | None = None,
) -> Plan:
    """``plan`` scheduled from ``start`` (default: the next allowed start after ``now``).

    ``calendar`` is a calendar file (or a profile with a ``calendar:`` section); ``None`` is the
    default calendar. With a file, the plan's ``windows`` describe that calendar. ``now``
    defaults to the current time.

    Raises:
        CalendarError: a bad ``start``, calendar file, or no opening within the horizon.
    """
    cal = load_calendar(calendar) if calendar else DeploymentCalendar()
    now = now or dt.datetime.now(dt.UTC)
    begin = parse_start(start) if start else next_allowed_start(cal, now)
    scheduled = apply_schedule(plan, schedule_stages(plan.stages, begin, cal))
    if not calendar:  # the default calendar is what the plan's windows already say
        return scheduled
    windows = {**cal.describe(), **{k: v for k, v in plan.windows.items() if k == "reason"}}
    return dataclasses.replace(scheduled, windows=windows)
