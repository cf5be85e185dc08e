"""When a calendar is open: the instants at which a gated stage may start, and why not.

All arithmetic is on UTC datetimes; wall-clock times are only built (``datetime.combine`` in
the calendar's zone, then converted to UTC) and shown. That keeps durations exact across
daylight-saving changes: adding 24 hours on the November weekend lands one wall-clock hour
earlier. A wall time that does not exist (02:30 on the March change day in New York) is read
with the offset before the change, so it lands one hour later (03:30 EDT); an ambiguous one
(01:30 on the November change day) is the first occurrence, daylight time.

A gated start ``s`` is allowed when it lies in a *gate* window (allowed windows, or preferred
ones when ``require_preferred``), within on-call hours when those are given, on no holiday
and in no freeze, and the open stretch around it lasts at least ``min_watch_minutes`` after
``s``.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from planner.exceptions import CalendarError
from planner.schedule.calendar import DeploymentCalendar
from planner.schedule.weekly import WeeklyWindows

__all__ = [
    "HORIZON_DAYS",
    "after_freezes",
    "closed_reason",
    "hold_reason",
    "holidays_on",
    "next_opening",
    "to_utc",
]

HORIZON_DAYS = 400
UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]


def to_utc(moment: dt.datetime, calendar: DeploymentCalendar) -> dt.datetime:
    """``moment`` in UTC; a naive ``moment`` is a wall time in the calendar's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=calendar.zone)
    return moment.astimezone(UTC)


@functools.lru_cache(maxsize=64)
def _holiday_table(country: str, subdivision: str | None) -> holidays_lib.HolidayBase:
    return holidays_lib.country_holidays(country, subdiv=subdivision)


def holidays_on(calendar: DeploymentCalendar, day: dt.date) -> str | None:
    """``"Christmas Day (US, GB-ENG)"`` for a holiday ``day``, else ``None``."""
    names: dict[str, list[str]] = {}
    for spec in calendar.holidays:
        found = _holiday_table(spec.country, spec.subdivision).get(day)
        for name in str(found).split("; ") if found else ():
            names.setdefault(name, []).append(spec.label)
    return "; ".join(f"{n} ({', '.join(labels)})" for n, labels in names.items()) or None


def _wall(day: dt.date, minutes: int, zone: ZoneInfo) -> dt.datetime:
    day += dt.timedelta(days=minutes // 1440)
    clock = dt.time(minutes % 1440 // 60, minutes % 60)
    return dt.datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _materialise(windows: WeeklyWindows, zone: ZoneInfo, days: list[dt.date]) -> list[Interval]:
    return _merge(
        [
            (_wall(day, w.start, zone), _wall(day, w.end, zone))
            for day in days
            for w in windows.days[day.weekday()]
        ]
    )


def _merge(intervals: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for a, b in sorted(i for i in intervals if i[0] < i[1]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _intersect(xs: list[Interval], ys: list[Interval]) -> list[Interval]:
    return _merge([(max(a, c), min(b, d)) for a, b in xs for c, d in ys if a < d and c < b])


def _subtract(xs: list[Interval], blocks: list[Interval]) -> list[Interval]:
    out = xs
    for c, d in blocks:
        out = [
            piece
            for a, b in out
            for piece in ((a, min(b, c)), (max(a, d), b))
            if piece[0] < piece[1]
        ]
    return out


def _gate(calendar: DeploymentCalendar) -> WeeklyWindows:
    return calendar.preferred if calendar.require_preferred else calendar.allowed


def _open(
    calendar: DeploymentCalendar, gate: WeeklyWindows, lo: dt.datetime, days: int
) -> list[Interval]:
    zone = calendar.zone
    dates = _dates(calendar, lo, days)
    spans = _materialise(gate, zone, dates)
    if calendar.on_call is not None:
        spans = _intersect(spans, _materialise(calendar.on_call, zone, dates))
    blocks = [(f.start.astimezone(UTC), f.end.astimezone(UTC)) for f in calendar.freezes]
    blocks += [(_wall(d, 0, zone), _wall(d, 1440, zone)) for d in dates if holidays_on(calendar, d)]
    return _subtract(spans, _merge(blocks))


def next_opening(
    calendar: DeploymentCalendar, moment: dt.datetime, *, preferred: bool = False
) -> dt.datetime:
    """The first instant at or after ``moment`` (UTC) when a gated stage may start.

    ``preferred=True`` looks only at preferred windows. The result is in UTC.

    Raises:
        CalendarError: nothing opens within :data:`HORIZON_DAYS` days (freezes and holidays
            or on-call hours close every window).
    """
    gate = calendar.preferred if preferred else _gate(calendar)
    watch = dt.timedelta(minutes=calendar.min_watch_minutes)
    for days in (16, 64, HORIZON_DAYS):
        horizon = moment + dt.timedelta(days=days)
        for a, b in _open(calendar, gate, moment, days):
            start = max(a, moment)
            if start >= b:
                continue
            if start + watch <= b:  # a stretch cut at the horizon only lasts longer
                return start
            if b >= horizon:  # its real end lies beyond what was built: build more
                break
    local = moment.astimezone(calendar.zone).isoformat(timespec="minutes")
    raise CalendarError(
        f"calendar: no window opens within {HORIZON_DAYS} days after {local} "
        "(freezes, holidays or on-call hours close every allowed window)"
    )


def after_freezes(calendar: DeploymentCalendar, moment: dt.datetime) -> dt.datetime:
    """``moment`` (UTC), or the end of the freeze (chain of freezes) it falls in."""
    moved = True
    while moved:
        moved = False
        for f in calendar.freezes:
            if f.start <= moment < f.end:
                moment, moved = f.end.astimezone(UTC), True
    return moment


def _clock(moment: dt.datetime, calendar: DeploymentCalendar) -> str:
    return moment.astimezone(calendar.zone).strftime("%a %H:%M")


def _inside(moment: dt.datetime, windows: WeeklyWindows, calendar: DeploymentCalendar) -> bool:
    day = moment.astimezone(calendar.zone).date()
    spans = _materialise(windows, calendar.zone, [day - dt.timedelta(days=1), day])
    return any(a <= moment < b for a, b in spans)


def closed_reason(
    calendar: DeploymentCalendar, moment: dt.datetime, *, preferred: bool = False
) -> str | None:
    """Why a gated stage may not start at ``moment`` (UTC), or ``None`` when it may.

    The first that applies of: a freeze, a holiday, outside the gate windows, outside on-call
    hours, too little of the window left (``min_watch_minutes``).
    """
    zone = calendar.zone
    for f in calendar.freezes:
        if f.start <= moment < f.end:
            until = f.end.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")
            return f"freeze {f.name!r} until {until}"
    day = moment.astimezone(zone).date()
    holiday = holidays_on(calendar, day)
    if holiday:
        return f"{day.isoformat()} is {holiday}"
    gate = calendar.preferred if preferred else _gate(calendar)
    if not _inside(moment, gate, calendar):
        kind = "preferred" if gate is calendar.preferred and gate != calendar.allowed else "allowed"
        return f"outside {kind} window ({_clock(moment, calendar)})"
    if calendar.on_call is not None and not _inside(moment, calendar.on_call, calendar):
        return f"outside on-call hours ({_clock(moment, calendar)})"
    if next_opening(calendar, moment, preferred=preferred) != moment:
        return (
            f"less than {calendar.min_watch_minutes} min of the window left "
            f"({_clock(moment, calendar)})"
        )
    return None


def hold_reason(calendar: DeploymentCalendar, ready: dt.datetime, start: dt.datetime) -> str:
    """``"held: ..."``: why a stage ready at ``ready`` could not start before ``start`` (UTC).

    Names the reason at ``ready`` and, for every gate window that opened in between, why that
    one was closed too (a holiday, a freeze), each once.
    """
    gate = _gate(calendar)
    days = (start - ready).days + 2
    openings = [a for a, _ in _materialise(gate, calendar.zone, _dates(calendar, ready, days))]
    reasons: list[str] = []
    for moment in [ready, *(a for a in openings if ready < a < start)]:
        reason = closed_reason(calendar, moment)
        if reason and reason not in reasons:
            reasons.append(reason)
    return "held: " + "; ".join(reasons)


def _dates(calendar: DeploymentCalendar, lo: dt.datetime, days: int) -> list[dt.date]:
    first = lo.astimezone(calendar.zone).date() - dt.timedelta(days=1)
    return [first + dt.timedelta(days=i) for i in range(days + 2)]
