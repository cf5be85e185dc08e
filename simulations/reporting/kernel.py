"""The report's kernel: its own output goes to a log file, never to the caller's terminal.

jupyter_client (8.x) interrupts a kernel before asking it to shut down, and ipykernel logs that
interrupt (``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.``) on the stderr it
inherited: a successful report run by cron would mail that line. The kernel's stdout and stderr
go to ``stderr_path`` instead; the report keeps that file beside a failed notebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Unicode

__all__ = ["LoggedKernelManager"]


class LoggedKernelManager(AsyncKernelManager):
    """An :class:`AsyncKernelManager` whose kernel process writes to ``stderr_path``."""

    stderr_path = Unicode("", help="file for the kernel's stdout and stderr").tag(config=True)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        # jupyter_client's documented override point for launching the kernel differently
        if not self.stderr_path:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        with Path(self.stderr_path).open("ab") as log:  # the child keeps its own copy of the fd
            kw["stdout"] = kw["stderr"] = log
            await super()._async_launch_kernel(kernel_cmd, **kw)
