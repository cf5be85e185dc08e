"""The README's command block runs as pasted, from a checkout's root."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from support.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```sh\n(.*?)```", README, re.S)


def test_every_block_is_either_run_here_or_the_make_entry_points() -> None:
    # the first block is `make report` / `make test`: `make test` runs this very test, and
    # `make report` is `devops-planner report -o reports` (tests/simulations/test_report.py)
    assert len(BLOCKS) == 2
    assert [ln.split()[:2] for ln in BLOCKS[0].splitlines()] == [
        ["make", "report"],
        ["make", "test"],
    ]


@pytest.mark.slow
def test_readme_commands_run_as_pasted(tmp_path: Path) -> None:
    # a checkout's root: the bundled data and the environment `make` sets up; the outputs
    # (plan.json, out/, reports/) land here, not in the repository
    for name in ("data", ".venv"):
        (tmp_path / name).symlink_to(ROOT / name)
    done = subprocess.run(
        ["bash", "-e", "-c", BLOCKS[1]], cwd=tmp_path, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert done.stderr == ""
    assert (tmp_path / "plan.json").is_file()
    assert any((tmp_path / "out").iterdir())
    assert len(list((tmp_path / "reports").glob("*/report.html"))) == 1
