"""What `report` leaves on the terminal: the page's path on stdout, and on stderr nothing (cron
mails stderr) unless stderr is a terminal, where a progress bar shows the cells executing."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from support.paths import PLAN_FIXTURE

from simulations.reporting.kernel import LoggedKernelManager

FIXTURE_PLAN = PLAN_FIXTURE
CLI = [sys.executable, "-m", "planner", "report", "--plan", str(FIXTURE_PLAN), "-p", "runs", "20"]


def test_kernel_output_goes_to_its_log_not_to_the_callers_stderr(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "kernel.log"

    async def run_one_cell() -> None:
        km = LoggedKernelManager(stderr_path=str(log), transport="ipc")
        await km.start_kernel()
        try:
            client = km.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            code = "import sys; print('straight-to-fd-2', file=sys.__stderr__, flush=True)"
            await client.execute_interactive(code, timeout=60)
            client.stop_channels()
        finally:
            await km.shutdown_kernel()  # interrupts first: the line cron used to mail

    asyncio.run(run_one_cell())
    assert "straight-to-fd-2" in log.read_text()
    assert "straight-to-fd-2" not in capfd.readouterr().err


@pytest.mark.slow
def test_report_writes_only_the_page_path_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    done = subprocess.run(
        [*CLI, "-o", str(tmp_path / "r")], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    page = Path(done.stdout.strip())
    assert page.name == "report.html" and page.is_file()
    assert not (page.parent / "kernel.log").exists()


@pytest.mark.slow
def test_report_shows_progress_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    # a terminal 100 columns wide (a fresh pty has 0, and tqdm fits its bar into that)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(
        [*CLI, "-o", str(tmp_path / "r")], stdout=subprocess.PIPE, stderr=follower, text=True
    )
    os.close(follower)
    seen = b""
    poller = select.poll()  # not select(): a long test session may hold fds past FD_SETSIZE
    poller.register(leader, select.POLLIN)
    while True:
        if not poller.poll(300_000):
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=300) == 0
    os.close(leader)
    text = seen.decode(errors="replace")
    assert "Executing" in text and "cell" in text  # papermill's tqdm bar: cells executed
    assert "KeyboardInterrupt" not in text
