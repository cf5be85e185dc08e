"""Run promtool in tests: skip with a reason when it is missing, fail when CI=true."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def promtool() -> str:
    """Path of promtool; skips the test locally, fails it in CI, when it is not installed."""
    found = shutil.which("promtool")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("promtool is required in CI (.ci/run installs the Debian prometheus package)")
    pytest.skip("promtool not installed (Debian package prometheus)")


def run_promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``promtool <args>`` with an argument list (never a shell), output captured."""
    return subprocess.run(
        [promtool(), *map(str, args)], capture_output=True, text=True, check=False, timeout=120
    )
