"""Progress on stderr while a command works, only when stderr is a terminal (tqdm).

Piped or under cron, stderr stays silent: it carries errors only. :func:`progress` gives a bar
when the amount of work is known (``total``) and otherwise a line with the elapsed time that
refreshes every second, so a long backtest or tuning run shows it is alive.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

__all__ = ["progress"]


@contextmanager
def progress(
    desc: str, total: int | None = None, unit: str = "it", stream: TextIO | None = None
) -> Iterator[Callable[[int], object]]:
    """A callback adding done units to a bar on ``stream`` (default stderr) if it is a TTY."""
    out = stream or sys.stderr
    shown = out.isatty()
    fmt = None if total is not None else "{desc}: {elapsed} elapsed"
    bar = tqdm(total=total, desc=desc, unit=unit, file=out, disable=not shown, bar_format=fmt)
    stop = threading.Event()
    ticker = None
    if shown and total is None:

        def tick() -> None:
            while not stop.wait(1.0):
                bar.refresh()

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
    try:
        yield bar.update
    finally:
        stop.set()
        if ticker is not None:
            ticker.join()
        bar.close()
