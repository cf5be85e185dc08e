"""The deployment calendar places stages inside windows, around holidays, freezes and DST.

Every expected schedule below was worked out by hand from the calendar rules in
``docs/calendar.md``, not by running the code: default windows are allowed Mon-Thu 10:00-16:00,
preferred Tue-Thu 10:00-14:00 (New York), US federal holidays; only stages that raise exposure
wait for a window (a freeze stops every stage); waits run through nights and weekends.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import ROOT

from planner.exceptions import CalendarError
from planner.model import Plan, Stage, Wait
from planner.schedule.calendar import DeploymentCalendar, load_calendar, parse_calendar
from planner.schedule.openings import closed_reason, to_utc
from planner.schedule.place import apply_schedule, next_allowed_start, schedule_stages
from planner.schedule.weekly import Window, parse_window

SAMPLE = ROOT / "data" / "sample" / "calendar.yaml"


def stage(name: str, exposure: float, low: float, high: float) -> Stage:
    return Stage(name, "MEDIUM", exposure, Wait(low, high), (), (), (), (), None)


# The reference plan's five stages: 0 h, 1 h, 2-4 h, 4-8 h, 24 h.
REFERENCE = (
    stage("Infrastructure", 0, 0, 0),
    stage("Integration", 0, 60, 60),
    stage("Canary", 10, 120, 240),
    stage("Partial", 50, 240, 480),
    stage("Full", 100, 1440, 1440),
)
CANARY = (stage("Canary", 10, 120, 120),)
LONG_CANARY = (stage("Canary", 10, 4320, 4320), stage("Full", 100, 60, 60))  # 72 h, then 1 h

# (id, calendar data, start, stages, [(stage, start, end, held_until, reason)],
#  earliest minutes, latest minutes)
ROWS: list[tuple[str, Any, str, tuple[Stage, ...], list[tuple[Any, ...]], float, float]] = [
    (
        # Friday 15:00: Infrastructure/Integration carry no exposure and run Friday; the canary
        # is ready at Fri 16:00 and waits for Monday 10:00 (EDT). Monday is allowed, not
        # preferred, so the partial notes it; the full rollout is ready at Mon 16:00 (closed:
        # windows end at 16:00) and waits for Tuesday. 115 h from Fri 15:00 to Wed 10:00.
        "friday-15:00",
        None,
        "2026-10-16T15:00",
        REFERENCE,
        [
            ("Infrastructure", "2026-10-16T15:00-04:00", "2026-10-16T15:00-04:00", None, ""),
            ("Integration", "2026-10-16T15:00-04:00", "2026-10-16T16:00-04:00", None, ""),
            (
                "Canary",
                "2026-10-19T10:00-04:00",
                "2026-10-19T12:00-04:00",
                "2026-10-19T10:00-04:00",
                "held: outside allowed window (Fri 16:00)",
            ),
            (
                "Partial",
                "2026-10-19T12:00-04:00",
                "2026-10-19T16:00-04:00",
                None,
                "outside preferred window (Mon 12:00)",
            ),
            (
                "Full",
                "2026-10-20T10:00-04:00",
                "2026-10-21T10:00-04:00",
                "2026-10-20T10:00-04:00",
                "held: outside allowed window (Mon 16:00)",
            ),
        ],
        115 * 60,
        115 * 60,  # with maximum waits the full stage still waits for Tue 10:00
    ),
    (
        # Thursday 2026-12-24 at 15:00: Christmas Eve is no US federal holiday, but the canary is
        # ready at 16:00; Friday the 25th is closed twice over (Friday, Christmas Day), so it
        # starts Monday 28th. Thu 15:00 to Wed 30th 10:00 is 5 days 19 hours.
        "christmas-eve-15:00",
        None,
        "2026-12-24T15:00",
        REFERENCE,
        [
            ("Infrastructure", "2026-12-24T15:00-05:00", "2026-12-24T15:00-05:00", None, ""),
            ("Integration", "2026-12-24T15:00-05:00", "2026-12-24T16:00-05:00", None, ""),
            (
                "Canary",
                "2026-12-28T10:00-05:00",
                "2026-12-28T12:00-05:00",
                "2026-12-28T10:00-05:00",
                "held: outside allowed window (Thu 16:00)",
            ),
            (
                "Partial",
                "2026-12-28T12:00-05:00",
                "2026-12-28T16:00-05:00",
                None,
                "outside preferred window (Mon 12:00)",
            ),
            (
                "Full",
                "2026-12-29T10:00-05:00",
                "2026-12-30T10:00-05:00",
                "2026-12-29T10:00-05:00",
                "held: outside allowed window (Mon 16:00)",
            ),
        ],
        139 * 60,
        139 * 60,
    ),
    (
        # Start inside an end-of-year freeze (dates inclusive: it ends 2027-01-05 00:00). A freeze
        # stops even the zero-exposure stage, which then waits for the first opening, Tue 10:00;
        # the canary, ready at 10:00 (preferred), follows at once: 3 h to 5 h in all.
        "inside-freeze",
        {"freezes": [{"name": "end-of-year", "start": "2026-12-18", "end": "2027-01-04"}]},
        "2026-12-21T11:00",
        (stage("Infrastructure", 0, 0, 0), stage("Canary", 10, 180, 300)),
        [
            (
                "Infrastructure",
                "2027-01-05T10:00-05:00",
                "2027-01-05T10:00-05:00",
                "2027-01-05T10:00-05:00",
                "held: freeze 'end-of-year' until Tue 2027-01-05 00:00",
            ),
            ("Canary", "2027-01-05T10:00-05:00", "2027-01-05T13:00-05:00", None, ""),
        ],
        3 * 60,
        5 * 60,
    ),
    (
        # March DST weekend: clocks jump 02:00 EST -> 03:00 EDT on Sun 2026-03-08. 72 real hours
        # after Thu 10:00 EST (15:00 UTC) is Sun 15:00 UTC = 11:00 EDT, not 10:00 wall-clock.
        # Thu 15:00 UTC to Mon 15:00 UTC (11:00 EDT) is exactly 4 days.
        "march-dst",
        None,
        "2026-03-05T10:00",
        LONG_CANARY,
        [
            ("Canary", "2026-03-05T10:00-05:00", "2026-03-08T11:00-04:00", None, ""),
            (
                "Full",
                "2026-03-09T10:00-04:00",
                "2026-03-09T11:00-04:00",
                "2026-03-09T10:00-04:00",
                "held: outside allowed window (Sun 11:00)",
            ),
        ],
        4 * 24 * 60,
        4 * 24 * 60,
    ),
    (
        # November DST weekend: clocks fall back 02:00 EDT -> 01:00 EST on Sun 2026-11-01. 72 h
        # after Thu 10:00 EDT (14:00 UTC) is Sun 14:00 UTC = 09:00 EST. The full stage starts
        # Mon 10:00 EST (15:00 UTC) and ends 16:00 UTC: 4 days 2 hours after 14:00 UTC Thursday.
        "november-dst",
        None,
        "2026-10-29T10:00",
        LONG_CANARY,
        [
            ("Canary", "2026-10-29T10:00-04:00", "2026-11-01T09:00-05:00", None, ""),
            (
                "Full",
                "2026-11-02T10:00-05:00",
                "2026-11-02T11:00-05:00",
                "2026-11-02T10:00-05:00",
                "held: outside allowed window (Sun 09:00)",
            ),
        ],
        (4 * 24 + 2) * 60,
        (4 * 24 + 2) * 60,
    ),
    (
        # A Saturday night window 22:00-02:00+1 on the November DST night: it opens Sat 22:00 EDT
        # (02:00 UTC) and closes Sun 02:00 EST (07:00 UTC), five real hours. The canary bakes 3 h
        # to 01:00 EDT (05:00 UTC); the full stage, ready then, is inside the same window and
        # ends an hour later at 01:00 again, now EST (06:00 UTC). 4 real hours in all.
        "window-spans-midnight",
        {"allowed": {"sat": "22:00-02:00+1"}, "holidays": []},
        "2026-10-30T12:00",
        (stage("Canary", 10, 180, 180), stage("Full", 100, 60, 60)),
        [
            (
                "Canary",
                "2026-10-31T22:00-04:00",
                "2026-11-01T01:00-04:00",
                "2026-10-31T22:00-04:00",
                "held: outside allowed window (Fri 12:00)",
            ),
            ("Full", "2026-11-01T01:00-04:00", "2026-11-01T01:00-05:00", None, ""),
        ],
        240,
        240,
    ),
    (
        # Two countries, Fridays allowed, every stage gated: Thu 16:00 is closed, Fri 25th is
        # Christmas Day in both, Mon 28th is the observed Boxing Day in England: Tuesday 29th.
        "us-and-england-holidays",
        {
            "allowed": {"mon-fri": "10:00-16:00"},
            "holidays": ["US", {"country": "GB", "subdivision": "ENG"}],
            "gated_stages": "all",
        },
        "2026-12-24T16:00",
        CANARY,
        [
            (
                "Canary",
                "2026-12-29T10:00-05:00",
                "2026-12-29T12:00-05:00",
                "2026-12-29T10:00-05:00",
                "held: outside allowed window (Thu 16:00); 2026-12-25 is Christmas Day "
                "(US, GB-ENG); 2026-12-28 is Boxing Day (observed) (GB-ENG)",
            )
        ],
        120,
        120,
    ),
    (
        # The same with US holidays only: Monday 28th is an ordinary working day.
        "us-holidays-only",
        {"allowed": {"mon-fri": "10:00-16:00"}, "holidays": ["US"]},
        "2026-12-24T16:00",
        CANARY,
        [
            (
                "Canary",
                "2026-12-28T10:00-05:00",
                "2026-12-28T12:00-05:00",
                "2026-12-28T10:00-05:00",
                "held: outside allowed window (Thu 16:00); 2026-12-25 is Christmas Day (US)",
            )
        ],
        120,
        120,
    ),
    (
        # Thanksgiving Thursday: the day is a holiday, Friday is not allowed, so Monday.
        "thanksgiving",
        None,
        "2026-11-26T11:00",
        CANARY,
        [
            (
                "Canary",
                "2026-11-30T10:00-05:00",
                "2026-11-30T12:00-05:00",
                "2026-11-30T10:00-05:00",
                "held: 2026-11-26 is Thanksgiving Day (US)",
            )
        ],
        120,
        120,
    ),
    (
        # 60 minutes of watch needed: Thu 15:30 leaves 30 before 16:00, so Monday 10:00.
        "min-watch",
        {"min_watch_minutes": 60},
        "2026-10-15T15:30",
        CANARY,
        [
            (
                "Canary",
                "2026-10-19T10:00-04:00",
                "2026-10-19T12:00-04:00",
                "2026-10-19T10:00-04:00",
                "held: less than 60 min of the window left (Thu 15:30)",
            )
        ],
        120,
        120,
    ),
    (
        # On-call only 09:00-12:00: Mon 13:00 is allowed but unwatched; Tuesday 10:00.
        "on-call-hours",
        {"on_call": {"mon-fri": "09:00-12:00"}},
        "2026-10-19T13:00",
        CANARY,
        [
            (
                "Canary",
                "2026-10-20T10:00-04:00",
                "2026-10-20T12:00-04:00",
                "2026-10-20T10:00-04:00",
                "held: outside on-call hours (Mon 13:00)",
            )
        ],
        120,
        120,
    ),
    (
        # require_preferred: Monday is allowed but not preferred, so Tuesday 10:00.
        "require-preferred",
        {"require_preferred": True},
        "2026-10-19T11:00",
        CANARY,
        [
            (
                "Canary",
                "2026-10-20T10:00-04:00",
                "2026-10-20T12:00-04:00",
                "2026-10-20T10:00-04:00",
                "held: outside preferred window (Mon 11:00)",
            )
        ],
        120,
        120,
    ),
]


@pytest.mark.parametrize(
    ("calendar", "start", "stages", "expected", "earliest", "latest"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_schedule_matches_the_hand_worked_table(
    calendar: Any,
    start: str,
    stages: tuple[Stage, ...],
    expected: list[tuple[Any, ...]],
    earliest: float,
    latest: float,
) -> None:
    schedule = schedule_stages(stages, dt.datetime.fromisoformat(start), parse_calendar(calendar))
    got = [(r.stage, r.start, r.end, r.held_until, r.reason) for r in schedule.to_records()]
    assert got == expected
    assert schedule.earliest_minutes == earliest
    assert schedule.latest_minutes == latest


def test_latest_schedule_uses_maximum_waits() -> None:
    # Friday row with maximum waits: canary Mon 10:00-14:00, partial 14:00-22:00, full waits
    # for Tue 10:00 and ends Wed 10:00.
    schedule = schedule_stages(REFERENCE, dt.datetime(2026, 10, 16, 15), DeploymentCalendar())
    got = [(r.stage, r.latest_start, r.latest_end) for r in schedule.to_records()][2:]
    assert got == [
        ("Canary", "2026-10-19T10:00-04:00", "2026-10-19T14:00-04:00"),
        ("Partial", "2026-10-19T14:00-04:00", "2026-10-19T22:00-04:00"),
        ("Full", "2026-10-20T10:00-04:00", "2026-10-21T10:00-04:00"),
    ]


def test_start_with_an_offset_is_the_same_instant() -> None:
    # 19:00 UTC on 2026-10-16 is 15:00 EDT: the Friday row again.
    calendar = DeploymentCalendar()
    aware = schedule_stages(REFERENCE, dt.datetime(2026, 10, 16, 19, tzinfo=dt.UTC), calendar)
    naive = schedule_stages(REFERENCE, dt.datetime(2026, 10, 16, 15), calendar)
    assert aware.to_records() == naive.to_records()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-10-16T15:00:30", "2026-10-19T10:00:00-04:00"),  # Friday: next Monday 10:00
        ("2026-10-15T11:00:30", "2026-10-15T11:01:00-04:00"),  # inside a window: next minute
        ("2026-12-24T16:00", "2026-12-28T10:00:00-05:00"),  # Christmas Friday, weekend
    ],
)
def test_next_allowed_start_from_now(now: str, expected: str) -> None:
    got = next_allowed_start(DeploymentCalendar(), dt.datetime.fromisoformat(now))
    assert got.isoformat() == expected


def test_apply_schedule_fills_the_plan_and_round_trips(plan: Plan) -> None:
    schedule = schedule_stages(plan.stages, dt.datetime(2026, 10, 16, 15), DeploymentCalendar())
    planned = apply_schedule(plan, schedule)
    assert [s.stage for s in planned.schedule] == [s.name for s in plan.stages]
    assert planned.expected_duration is not None
    assert planned.expected_duration.start == planned.schedule[0].start
    assert Plan.from_dict(json.loads(json.dumps(planned.to_dict()))) == planned


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("10:00-16:00", Window(600, 960)),
        ("00:00-24:00", Window(0, 1440)),  # 24:00 is the end of the day
        ("22:00-02:00+1", Window(1320, 1560)),  # spans midnight: +1 on the end
        ("9:30-10:00", Window(570, 600)),
    ],
)
def test_window_parsing(text: str, window: Window) -> None:
    assert parse_window(text) == window
    assert parse_window(str(window)) == window


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"timezone": "Mars/Olympus"}, r"calendar\.timezone: 'Mars/Olympus' is not an IANA"),
        ({"holidays": ["XX"]}, r"holidays\[0\]: country 'XX' is not known"),
        (
            {"holidays": [{"country": "GB", "subdivision": "XYZ"}]},
            r"holidays\[0\]: subdivision 'XYZ' is not one of GB's \(ENG, NIR, SCT, WLS\)",
        ),
        (
            {"allowed": {"fri": "22:00-02:00"}},
            r"allowed\.fri\[0\]: '22:00-02:00' ends before it starts; .* '22:00-02:00\+1'",
        ),
        ({"allowed": {"mon": "10-16"}}, r"'10-16' is not HH:MM-HH:MM"),
        ({"allowed": {"mon": "10:00-25:00"}}, r"has a time outside 00:00-24:00"),
        ({"allowed": {"mon": "10:00-11:00+1"}}, r"is longer than 24 hours"),
        ({"allowed": {}}, r"calendar\.allowed: the calendar has no allowed window at all"),
        ({"allowed": {"mon": []}}, r"no allowed window at all"),
        ({"allowed": {"funday": "10:00-11:00"}}, r"'funday' is not a weekday"),
        ({"preferred": {"fri": "10:00-11:00"}}, r"calendar\.preferred: Fri 10:00-11:00 is not"),
        ({"on_call": {"sat": "10:00-11:00"}}, r"calendar\.on_call: .* never overlaps"),
        ({"timezon": "UTC"}, r"calendar: unknown key 'timezon'"),
        ({"gated_stages": "some"}, r"calendar\.gated_stages: 'some' is not one of"),
        ({"min_watch_minutes": -5}, r"min_watch_minutes: -5 is not 0-1439"),
        (
            {"freezes": [{"name": "x", "start": "2026-12-20", "end": "2026-12-10"}]},
            r"freezes\[0\]: freeze 'x': end 2026-12-11T00:00:00-05:00 is not after",
        ),
        ({"freezes": [{"start": "soon", "end": "2026-12-10"}]}, r"freezes\[0\]\.start: expected"),
    ],
)
def test_invalid_calendar_is_one_clear_error(data: Any, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        parse_calendar(data)


def test_a_freeze_longer_than_the_horizon_is_an_error() -> None:
    calendar = parse_calendar({"freezes": [{"start": "2026-01-01", "end": "2028-01-01"}]})
    with pytest.raises(CalendarError, match=r"no window opens within 400 days after 2026-03-02"):
        schedule_stages(CANARY, dt.datetime(2026, 3, 2, 9), calendar)


def test_load_calendar_reads_a_profile_section_and_names_the_file(tmp_path: Path) -> None:
    good = tmp_path / "profile.yaml"
    good.write_text("service: api\ncalendar:\n  timezone: Europe/London\n  holidays: [GB]\n")
    assert load_calendar(good).timezone == "Europe/London"
    bad = tmp_path / "cal.yaml"
    bad.write_text("timezone: Nowhere/Land\n")
    with pytest.raises(CalendarError, match=r"cal\.yaml: calendar\.timezone: 'Nowhere/Land'"):
        load_calendar(bad)


def test_the_sample_calendar_loads() -> None:
    calendar = load_calendar(SAMPLE)
    assert calendar.timezone == "America/New_York"
    assert [h.label for h in calendar.holidays] == ["US", "GB-ENG"]
    assert calendar.freezes


STAGE_LISTS = st.lists(
    st.tuples(st.floats(0, 100), st.integers(0, 3000), st.integers(0, 3000)),
    min_size=1,
    max_size=5,
)


INVARIANT_CALENDARS = {
    "two-countries": {"holidays": ["US", "GB"]},
    "sample": None,  # data/sample/calendar.yaml: freeze, on-call hours, 60 min of watch
    "nights": {
        "timezone": "Europe/London",
        "allowed": {"fri-sun": "22:00-02:00+1"},
        "min_watch_minutes": 30,
        "gated_stages": "all",
    },
}


@pytest.mark.parametrize("name", sorted(INVARIANT_CALENDARS))
@settings(max_examples=40, deadline=None)
@given(
    start=st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2027, 12, 31)),
    spec=STAGE_LISTS,
)
def test_schedule_invariants(
    name: str, start: dt.datetime, spec: list[tuple[float, int, int]]
) -> None:
    # Whatever the start and waits: each stage starts no earlier than it is ready, a gated stage
    # starts at an open instant, every wait lasts exactly its minutes of elapsed time, and the
    # latest timeline never ends before the earliest.
    data = INVARIANT_CALENDARS[name]
    calendar = load_calendar(SAMPLE) if data is None else parse_calendar(data)
    stages = tuple(stage(f"s{i}", exp, min(a, b), max(a, b)) for i, (exp, a, b) in enumerate(spec))
    schedule = schedule_stages(stages, start, calendar)
    for slots, waits in (
        (schedule.earliest, [s.wait_minutes.min for s in stages]),
        (schedule.latest, [s.wait_minutes.max for s in stages]),
    ):
        previous_end = to_utc(start, calendar)
        for slot, wait in zip(slots, waits, strict=True):
            assert slot.ready == previous_end
            assert slot.start >= slot.ready
            assert (slot.end - slot.start) == dt.timedelta(minutes=wait)
            if slot.gated:
                assert closed_reason(calendar, slot.start.astimezone(dt.UTC)) is None
            assert slot.held == bool(slot.reason.startswith("held: "))
            previous_end = slot.end
    assert schedule.latest[-1].end >= schedule.earliest[-1].end


MANIFEST = ROOT / "data" / "sample" / "change-manifest.yaml"


def plan_cli(tmp_path: Path, *extra: str) -> list[str]:
    return ["plan", "--manifest", str(MANIFEST), "-o", str(tmp_path / "plan.json"), *extra]


@pytest.mark.parametrize(
    ("calendar", "message"),
    [
        ("timezone: Mars/Olympus\n", r"calendar\.timezone: 'Mars/Olympus' is not an IANA"),
        ("holidays: [XX]\n", r"calendar\.holidays\[0\]: country 'XX' is not known"),
        ("allowed: {fri: '22:00-02:00'}\n", r"'22:00-02:00' ends before it starts"),
        ("allowed: {}\n", r"no allowed window at all"),
    ],
)
def test_cli_bad_calendar_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], calendar: str, message: str
) -> None:
    from planner.cli import main

    path = tmp_path / "calendar.yaml"
    path.write_text(calendar)
    assert main(plan_cli(tmp_path, "--start", "2026-12-23T15:00", "--calendar", str(path))) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("devops-planner: error: ")
    assert re.search(message, err)
    assert not (tmp_path / "plan.json").exists()  # nothing half-written


def test_cli_bad_start_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli import main

    assert main(plan_cli(tmp_path, "--start", "next tuesday")) == 2
    assert "--start: 'next tuesday' is not an ISO 8601 date-time" in capsys.readouterr().err


def test_cli_writes_the_schedule_into_the_json_plan(tmp_path: Path) -> None:
    from planner.cli import main

    assert main(plan_cli(tmp_path, "--start", "2026-10-16T15:00", "--format", "json")) == 0
    plan = Plan.from_dict(json.loads((tmp_path / "plan.json").read_text()))
    # Same placement as the library gives for the plan's own stages and the default calendar.
    expected = schedule_stages(plan.stages, dt.datetime(2026, 10, 16, 15), DeploymentCalendar())
    assert plan.schedule == expected.to_records()
    assert plan.expected_duration == expected.expected_duration()
    assert plan.schedule[0].start == "2026-10-16T15:00-04:00"


def test_cli_with_a_calendar_describes_its_windows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli import main

    path = tmp_path / "london.yaml"
    path.write_text("timezone: Europe/London\nallowed: {mon-wed: '09:00-17:00'}\nholidays: [GB]\n")
    argv = ["plan", "--manifest", str(MANIFEST), "--start", "2026-10-16T15:00"]
    assert main([*argv, "--calendar", str(path)]) == 0
    out = capsys.readouterr().out
    assert "**Timezone:** Europe/London" in out
    assert "**Allowed:** Mon-Wed 09:00-17:00" in out
    assert "2026-10-16T15:00+01:00" in out  # the start read as London wall time (BST)


def test_cli_uses_the_service_profiles_calendar_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli import main

    profile = tmp_path / "service.yaml"
    profile.write_text(
        "service: shop\nplatform: kubernetes\n"
        "calendar:\n  timezone: Europe/London\n  allowed: {mon-wed: '09:00-17:00'}\n"
    )
    argv = ["plan", "--manifest", str(MANIFEST), "--service", str(profile)]
    assert main([*argv, "--start", "2026-10-16T15:00"]) == 0
    out = capsys.readouterr().out
    # The profile's calendar, not the default New York one, placed the stages.
    assert "**Timezone:** Europe/London" in out
    assert "2026-10-16T15:00+01:00" in out
