"""Notebook outputs never reach a commit: the nbstripout filter `make` configures strips them
when a notebook is staged (the committed notebooks are checked in test_report.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from support.paths import ROOT


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "nbstripout").exists(), reason="no .venv")
def test_make_configures_a_filter_that_strips_outputs_on_staging(tmp_path: Path) -> None:
    repo = tmp_path / "checkout"
    repo.mkdir()
    _git(repo, "init", "-q")
    for name in ("Makefile", ".gitattributes"):
        shutil.copy(ROOT / name, repo / name)
    (repo / ".venv").symlink_to(ROOT / ".venv")  # the checkout's own environment
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    subprocess.run(["make", "-s", "git-filters"], cwd=repo, env=env, check=True, timeout=60)
    # a notebook as JupyterLab autosaves it after a run: outputs and execution counts
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    cell.outputs = [
        nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=3)
    ]
    nb.cells = [cell]
    nbformat.write(nb, repo / "01-run.ipynb")
    _git(repo, "add", "01-run.ipynb")
    staged = nbformat.reads(_git(repo, "show", ":01-run.ipynb"), as_version=4)
    assert staged.cells[0].outputs == [] and staged.cells[0].execution_count is None
    assert staged.cells[0].source == "1 + 1"
    # the working copy keeps its outputs: nothing the user sees is lost
    assert nbformat.read(repo / "01-run.ipynb", as_version=4).cells[0].outputs
