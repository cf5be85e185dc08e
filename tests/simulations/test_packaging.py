"""A plain ``pip install`` works: the wheel carries the notebooks and the sample data, and
``report`` runs on its defaults from a folder that is not the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.wheel import PIP, build_wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel (from a copy of its sources) and installed into a folder."""
    base = tmp_path_factory.mktemp("pkg")
    wheel = build_wheel(base)
    names = set(zipfile.ZipFile(wheel).namelist())
    for bundled in (
        "simulations/_bundle/notebooks/04-rollout-report.ipynb",
        "simulations/_bundle/data/sample/web-service-14d.csv",
        "simulations/_bundle/data/sample/change-manifest.yaml",
        "simulations/_bundle/data/raw/manifest.json",
    ):
        assert bundled in names, bundled
    target = base / "site"
    install = [*PIP, "install", "--no-deps", "--target", str(target), str(wheel)]
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    return target


@pytest.mark.slow
def test_report_runs_from_any_folder_after_a_plain_install(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    # the installed copy first on the path (the dependencies come from this environment)
    env = {**os.environ, "PYTHONPATH": str(installed)}
    where = subprocess.run(
        [sys.executable, "-c", "import simulations; print(simulations.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(installed)), where
    done = subprocess.run(
        [sys.executable, "-m", "planner", "report", "-o", "reports", "-p", "runs", "20"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    page = elsewhere / done.stdout.strip()
    assert page.is_file() and page.is_relative_to(elsewhere / "reports")
    assert "Sample history." in page.read_text(encoding="utf-8")
