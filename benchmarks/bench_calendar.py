"""Scheduling speed: the five reference stages placed from 500 starts on the sample calendar.

Target: a schedule (both the earliest and the latest timeline) in under 20 ms on average, so a
plan command never waits on the calendar. Exits 1 when the target is missed.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from planner.model import Stage, Wait
from planner.schedule.calendar import load_calendar
from planner.schedule.place import schedule_stages

TARGET_MS = 20.0
SAMPLE = Path(__file__).parent.parent / "data" / "sample" / "calendar.yaml"


def main() -> int:
    calendar = load_calendar(SAMPLE)
    stages = tuple(
        Stage(name, "MEDIUM", exposure, Wait(low, high), (), (), (), (), None)
        for name, exposure, low, high in (
            ("Infrastructure", 0, 0, 0),
            ("Integration", 0, 60, 60),
            ("Canary", 10, 120, 240),
            ("Partial", 50, 240, 480),
            ("Full", 100, 1440, 1440),
        )
    )
    starts = [dt.datetime(2026, 1, 1) + dt.timedelta(hours=35 * i + 7) for i in range(500)]
    schedule_stages(stages, starts[0], calendar)  # warm the holiday tables
    began = time.perf_counter()
    held = sum(
        s.held for start in starts for s in schedule_stages(stages, start, calendar).earliest
    )
    mean_ms = (time.perf_counter() - began) / len(starts) * 1000
    print(f"schedule: {mean_ms:.2f} ms mean over {len(starts)} starts ({held} held stages)")
    print(f"target: < {TARGET_MS:g} ms: {'ok' if mean_ms < TARGET_MS else 'MISSED'}")
    return 0 if mean_ms < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
