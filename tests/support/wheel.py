"""Build this project's wheel offline, as ``pip install`` would, from a copy of its sources."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from support.paths import ROOT

__all__ = ["PIP", "build_wheel"]

PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
_SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
_FOLDERS = ("planner", "simulations", "notebooks", "data")


def build_wheel(base: Path) -> Path:
    """The wheel built under ``base`` (sources copied to ``base/src``, no network)."""
    src = base / "src"
    src.mkdir(parents=True)
    for name in _SOURCES:
        shutil.copy(ROOT / name, src / name)
    for folder in _FOLDERS:
        shutil.copytree(
            ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__", "_bundle")
        )
    build = [*PIP, "wheel", "--no-deps", "--no-build-isolation", "-w", str(base / "dist"), "."]
    subprocess.run(build, cwd=src, check=True, capture_output=True, timeout=300)
    (wheel,) = (base / "dist").glob("devops_planner-*.whl")
    return wheel
