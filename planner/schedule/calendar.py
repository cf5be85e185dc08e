"""The deployment calendar: when a rollout stage may start.

A :class:`DeploymentCalendar` holds an IANA time zone, weekly *allowed* and *preferred* windows,
public holidays (through the ``holidays`` package, several countries at once), freeze periods
and optional on-call hours. Windows are wall-clock times in the calendar's zone; a window that
spans midnight is written with an explicit ``+1`` on its end (``"22:00-02:00+1"``), so a window
whose end is before its start is always an error. ``docs/calendar.md`` describes the YAML.

Read one with :func:`load_calendar` (its own YAML file, or the ``calendar:`` section of a
service profile) or :func:`parse_calendar` (in-memory data). Every mistake raises
:class:`~planner.exceptions.CalendarError` naming the field and the value.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

from planner.exceptions import CalendarError
from planner.io import read_structured, shown, validate_schema
from planner.schedule.weekly import WeeklyWindows, parse_weekly

__all__ = [
    "DEFAULT_TIMEZONE",
    "DeploymentCalendar",
    "Freeze",
    "HolidaySpec",
    "load_calendar",
    "parse_calendar",
]

DEFAULT_TIMEZONE = "America/New_York"
_KEYS = frozenset(
    {
        "timezone",
        "allowed",
        "preferred",
        "holidays",
        "freezes",
        "on_call",
        "gated_stages",
        "require_preferred",
        "min_watch_minutes",
    }
)

_FIRST_YEAR, _LAST_YEAR = 1970, 2200  # a calendar date outside these is a typo


@dataclass(frozen=True)
class HolidaySpec:
    """Public holidays of ``country`` (ISO 3166 alpha-2) and optional ``subdivision``."""

    country: str
    subdivision: str | None = None

    def __post_init__(self) -> None:
        supported: Mapping[str, Any] = holidays_lib.list_supported_countries()
        if self.country not in supported:
            raise CalendarError(
                f"holidays: country {self.country!r} is not known to the holidays package "
                "(ISO 3166 alpha-2 code, e.g. US, GB, DE)"
            )
        subdivisions = tuple(supported[self.country])
        if self.subdivision is not None and self.subdivision not in subdivisions:
            known = ", ".join(subdivisions[:12]) + (", ..." if len(subdivisions) > 12 else "")
            raise CalendarError(
                f"holidays: subdivision {self.subdivision!r} is not one of {self.country}'s "
                f"({known or 'it has none'})"
            )

    @property
    def label(self) -> str:
        """``"US"`` or ``"GB-ENG"``."""
        return self.country + (f"-{self.subdivision}" if self.subdivision else "")


@dataclass(frozen=True)
class Freeze:
    """No stage may start in ``[start, end)`` (aware datetimes)."""

    name: str
    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise CalendarError(f"freeze {self.name!r}: start and end need a time zone")
        if not self.start.astimezone(dt.UTC) < self.end.astimezone(dt.UTC):
            raise CalendarError(
                f"freeze {self.name!r}: end {self.end.isoformat()} is not after "
                f"start {self.start.isoformat()}"
            )


def _days(spec: Mapping[str, str]) -> WeeklyWindows:
    return parse_weekly(spec, "defaults")


@dataclass(frozen=True)
class DeploymentCalendar:
    """When stages may start. Defaults follow the reference plan (New York time).

    Preferred Tue-Thu 10:00-14:00; allowed Mon-Thu 10:00-16:00; no Fridays, weekends or US
    federal holidays. ``gated_stages`` is ``"exposure"`` (only stages that raise exposure wait
    for a window) or ``"all"``. ``require_preferred`` makes gated stages wait for a preferred
    window; ``min_watch_minutes`` is how long a window must still stay open after a start.
    ``on_call`` (``None``: always covered) further limits gated starts to on-call hours.
    """

    timezone: str = DEFAULT_TIMEZONE
    allowed: WeeklyWindows = field(default_factory=lambda: _days({"mon-thu": "10:00-16:00"}))
    preferred: WeeklyWindows = field(default_factory=lambda: _days({"tue-thu": "10:00-14:00"}))
    holidays: tuple[HolidaySpec, ...] = field(default_factory=lambda: (HolidaySpec("US"),))
    freezes: tuple[Freeze, ...] = ()
    on_call: WeeklyWindows | None = None
    gated_stages: Literal["exposure", "all"] = "exposure"
    require_preferred: bool = False
    min_watch_minutes: int = 0

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "America" is a tzdata folder
            raise CalendarError(
                f"calendar.timezone: {self.timezone!r} is not an IANA time zone "
                "(e.g. America/New_York, Europe/London, UTC)"
            ) from None
        if self.allowed.is_empty():
            raise CalendarError("calendar.allowed: the calendar has no allowed window at all")
        if not self.preferred.within(self.allowed):
            raise CalendarError(
                f"calendar.preferred: {self.preferred.describe()} is not inside the allowed "
                f"windows ({self.allowed.describe()})"
            )
        if self.on_call is not None and not self.on_call.overlaps(self.allowed):
            raise CalendarError(
                f"calendar.on_call: {self.on_call.describe()} never overlaps the allowed "
                "windows, so no stage could ever start"
            )
        if self.require_preferred and self.preferred.is_empty():
            raise CalendarError(
                "calendar.require_preferred: true, but there is no preferred window"
            )
        if self.gated_stages not in ("exposure", "all"):
            raise CalendarError(
                f"calendar.gated_stages: {self.gated_stages!r} is not one of exposure, all"
            )
        if isinstance(self.min_watch_minutes, bool) or not 0 <= self.min_watch_minutes < 1440:
            raise CalendarError(
                f"calendar.min_watch_minutes: {self.min_watch_minutes!r} is not 0-1439 minutes"
            )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def describe(self) -> dict[str, str]:
        """Human-readable windows for the plan's ``windows`` section."""
        avoid = ["days and hours outside the allowed windows"]
        if self.holidays:
            avoid.append("holidays (" + ", ".join(h.label for h in self.holidays) + ")")
        avoid += [f"freeze {f.name!r}" for f in self.freezes]
        return {
            "timezone": self.timezone,
            "preferred": self.preferred.describe(),
            "allowed": self.allowed.describe(),
            "avoid": "; ".join(avoid),
        }


def _parse_holidays(spec: Any, where: str) -> tuple[HolidaySpec, ...]:
    if spec is None:
        return ()
    if not isinstance(spec, list):
        raise CalendarError(
            f"{where}: expected a list, e.g. [US, {{country: GB, subdivision: ENG}}]"
        )
    out = []
    for i, item in enumerate(spec):
        if isinstance(item, str):
            item = {"country": item}
        if not isinstance(item, Mapping) or not isinstance(item.get("country"), str):
            raise CalendarError(
                f"{where}[{i}]: expected a country code or {{country, subdivision}}"
            )
        sub = item.get("subdivision")
        try:
            out.append(HolidaySpec(item["country"], None if sub is None else str(sub)))
        except CalendarError as exc:
            raise CalendarError(f"{where}[{i}]: {str(exc).removeprefix('holidays: ')}") from None
    return tuple(out)


def _instant(value: Any, zone: ZoneInfo, is_end: bool, where: str) -> dt.datetime:
    """A date (whole day, so an end date is inclusive) or a date-time (naive = calendar zone)."""
    original = value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        with contextlib.suppress(ValueError):  # an impossible date is reported below
            value = dt.date.fromisoformat(value.strip())
    if isinstance(value, dt.date) and not (_FIRST_YEAR <= value.year <= _LAST_YEAR):
        raise CalendarError(
            f"{where}: {value.isoformat()} is outside the years {_FIRST_YEAR}-{_LAST_YEAR}"
        )
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value + dt.timedelta(days=1) if is_end else value
        return dt.datetime.combine(day, dt.time(), tzinfo=zone)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.datetime):
        raise CalendarError(
            f"{where}: expected a date (2026-12-18) or date-time (2026-12-18T17:00), "
            f"got {shown(original)}"
        )
    if not _FIRST_YEAR <= value.year <= _LAST_YEAR:
        raise CalendarError(
            f"{where}: {value.isoformat()} is outside the years {_FIRST_YEAR}-{_LAST_YEAR}"
        )
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _parse_freezes(spec: Any, zone: ZoneInfo, where: str) -> tuple[Freeze, ...]:
    if spec is None:
        return ()
    if not isinstance(spec, list):
        raise CalendarError(f"{where}: expected a list of {{name, start, end}}")
    out = []
    for i, item in enumerate(spec):
        if not isinstance(item, Mapping) or "start" not in item or "end" not in item:
            raise CalendarError(f"{where}[{i}]: expected {{name, start, end}}")
        name = str(item.get("name") or f"freeze {i + 1}")
        start = _instant(item["start"], zone, False, f"{where}[{i}].start")
        end = _instant(item["end"], zone, True, f"{where}[{i}].end")
        try:
            out.append(Freeze(name, start, end))
        except CalendarError as exc:
            raise CalendarError(f"{where}[{i}]: {exc}") from None
    return tuple(out)


def parse_calendar(data: Any, where: str = "calendar") -> DeploymentCalendar:
    """Build a calendar from plain data (a mapping as read from YAML); missing keys default.

    Raises:
        CalendarError: an unknown key, zone, country, subdivision, a malformed window or
            freeze, or a calendar with no allowed window; the message names the field.
    """
    if data is None:
        return DeploymentCalendar()
    if not isinstance(data, Mapping):
        raise CalendarError(f"{where}: expected a mapping, got {type(data).__name__}")
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise CalendarError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})"
        )
    kwargs: dict[str, Any] = {}
    tz = data.get("timezone", DEFAULT_TIMEZONE)
    kwargs["timezone"] = tz if isinstance(tz, str) else repr(tz)
    zone = DeploymentCalendar(timezone=kwargs["timezone"]).zone  # validates the zone first
    if "allowed" in data:
        kwargs["allowed"] = parse_weekly(data["allowed"], f"{where}.allowed")
    if "preferred" in data:
        kwargs["preferred"] = parse_weekly(data["preferred"], f"{where}.preferred")
    elif "allowed" in data:
        kwargs["preferred"] = kwargs["allowed"]  # custom allowed windows: all of them preferred
    if "holidays" in data:
        kwargs["holidays"] = _parse_holidays(data["holidays"], f"{where}.holidays")
    kwargs["freezes"] = _parse_freezes(data.get("freezes"), zone, f"{where}.freezes")
    if data.get("on_call") is not None:
        kwargs["on_call"] = parse_weekly(data["on_call"], f"{where}.on_call")
    for key, kind in (
        ("gated_stages", str),
        ("require_preferred", bool),
        ("min_watch_minutes", int),
    ):
        if key in data:
            value = data[key]
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise CalendarError(f"{where}.{key}: {value!r} is not a {kind.__name__}")
            kwargs[key] = value
    return DeploymentCalendar(**kwargs)


def load_calendar(path: str | Path) -> DeploymentCalendar:
    """Read a calendar YAML/JSON file: the whole file, or its ``calendar:`` section.

    Raises:
        CalendarError: the file cannot be read or parsed, or its content is invalid; the
            message starts with the file name.
    """
    data = read_structured(path, CalendarError)
    root: tuple[str, ...] = ()
    if isinstance(data, Mapping) and "calendar" in data:
        data, root = data["calendar"], ("calendar",)
    validate_schema(data, "deployment-calendar", str(path), CalendarError, root)
    try:
        return parse_calendar(data)
    except CalendarError as exc:
        raise CalendarError(f"{path}: {exc}") from None
