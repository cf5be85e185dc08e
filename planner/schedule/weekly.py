"""Weekly windows: wall-clock time ranges per weekday, read from ``mon-thu: "10:00-16:00"``.

A window is ``HH:MM-HH:MM`` with an exclusive end (``24:00`` is the end of the day); a window
that spans midnight says so with ``+1`` on its end (``"22:00-02:00+1"``), so a window whose end
is at or before its start is always an error rather than a silent overnight window.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.exceptions import CalendarError

__all__ = ["WEEKDAYS", "WeeklyWindows", "Window", "parse_weekly", "parse_window"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_INDEX = {name: i for names in (WEEKDAYS, _FULL) for i, name in enumerate(names)}
_DAY_MINUTES = 24 * 60
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*(\+1)?\s*$")


@dataclass(frozen=True, order=True)
class Window:
    """One weekly window: minutes after local midnight of its weekday, ``start < end``.

    ``end`` may pass 1440 (the next day) by at most a day; ``"22:00-02:00+1"`` is
    ``Window(1320, 1560)``.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < _DAY_MINUTES or not self.start < self.end:
            raise CalendarError(f"window {self}: need 0 <= start < 24:00 and start < end")
        if self.end - self.start > _DAY_MINUTES:
            raise CalendarError(f"window {self}: is longer than 24 hours")

    def __str__(self) -> str:
        end = self.end if self.end <= _DAY_MINUTES else self.end - _DAY_MINUTES
        plus = "+1" if self.end > _DAY_MINUTES else ""
        return f"{_hhmm(self.start)}-{_hhmm(end)}{plus}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_window(text: str, where: str = "window") -> Window:
    """Read ``"HH:MM-HH:MM"`` (end may be ``24:00``) or ``"HH:MM-HH:MM+1"`` (ends next day).

    Raises:
        CalendarError: not that form, an impossible time, or an end at or before the start
            without ``+1``.
    """
    match = _WINDOW.match(text) if isinstance(text, str) else None
    if match is None:
        raise CalendarError(
            f"{where}: {text!r} is not HH:MM-HH:MM (append +1 when the end is on the next day)"
        )
    sh, sm, eh, em, plus = match.groups()
    start, end = int(sh) * 60 + int(sm), int(eh) * 60 + int(em)
    if int(sh) > 23 or int(sm) > 59 or int(eh) > 24 or int(em) > 59 or end > _DAY_MINUTES:
        raise CalendarError(f"{where}: {text!r} has a time outside 00:00-24:00")
    if plus:
        if end > start:
            raise CalendarError(f"{where}: {text!r} is longer than 24 hours")
        return Window(start, end + _DAY_MINUTES)
    if end <= start:
        raise CalendarError(
            f"{where}: {text!r} ends before it starts; a window that spans midnight is "
            f"written with +1, e.g. '{_hhmm(start)}-{_hhmm(end)}+1'"
        )
    return Window(start, end)


@dataclass(frozen=True)
class WeeklyWindows:
    """Windows per weekday, Monday first: ``days[0]`` holds Monday's windows."""

    days: tuple[tuple[Window, ...], ...] = ((),) * 7

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise CalendarError(f"weekly windows: need 7 days, got {len(self.days)}")

    def is_empty(self) -> bool:
        return not any(self.days)

    def week_intervals(self) -> tuple[tuple[int, int], ...]:
        """Merged minute-of-week intervals in ``[0, 10080)``, wrapping Sunday into Monday."""
        week = 7 * _DAY_MINUTES
        raw: list[tuple[int, int]] = []
        for day, windows in enumerate(self.days):
            for w in windows:
                a, b = day * _DAY_MINUTES + w.start, day * _DAY_MINUTES + w.end
                raw.extend([(a, min(b, week)), (0, b - week)] if b > week else [(a, b)])
        return _merge(raw)

    def within(self, other: WeeklyWindows) -> bool:
        """Every minute of these windows lies in ``other`` (wall-clock week)."""
        outer = other.week_intervals()
        return all(any(c <= a and b <= d for c, d in outer) for a, b in self.week_intervals())

    def overlaps(self, other: WeeklyWindows) -> bool:
        """Some minute of the week is in both."""
        mine, theirs = self.week_intervals(), other.week_intervals()
        return any(a < d and c < b for a, b in mine for c, d in theirs)

    def describe(self) -> str:
        """``"Mon-Thu 10:00-16:00"``-style text, consecutive days with equal windows grouped."""
        parts: list[str] = []
        day = 0
        while day < 7:
            last = day
            while last + 1 < 7 and self.days[last + 1] == self.days[day]:
                last += 1
            if self.days[day]:
                names = WEEKDAYS[day].title()
                names += f"-{WEEKDAYS[last].title()}" if last > day else ""
                parts.append(f"{names} {', '.join(str(w) for w in self.days[day])}")
            day = last + 1
        return "; ".join(parts) or "none"


def _merge(intervals: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(i for i in intervals if i[0] < i[1]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


def parse_weekly(spec: Any, where: str) -> WeeklyWindows:
    """Read ``{weekday or range: window or [windows]}``; ``None`` is no window at all.

    Raises:
        CalendarError: a key that is no weekday or range, or a malformed window.
    """
    if spec is None:
        return WeeklyWindows()
    if not isinstance(spec, Mapping):
        raise CalendarError(f"{where}: expected weekday: windows, e.g. {{mon-thu: 10:00-16:00}}")
    days: list[list[Window]] = [[] for _ in range(7)]
    for key, value in spec.items():
        items = value if isinstance(value, list) else [] if value is None else [value]
        windows = [parse_window(v, f"{where}.{key}[{i}]") for i, v in enumerate(items)]
        for day in _weekday_range(str(key), where):
            days[day].extend(windows)
    return WeeklyWindows(tuple(tuple(sorted(d)) for d in days))


def _weekday_range(key: str, where: str) -> list[int]:
    names = key.strip().lower().split("-")
    try:  # a weekday is its three letters or its full name ("monkey" is not Monday)
        first, last = (_DAY_INDEX[n] for n in (names[0], names[-1]))
    except KeyError:
        first = last = -1
    if len(names) > 2 or first < 0:
        raise CalendarError(f"{where}: {key!r} is not a weekday (mon..sun) or range (mon-thu)")
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]
