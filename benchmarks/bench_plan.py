"""Benchmark: `plan` for a 10,000-file change must take < 2 s end to end, building < 0.5 s.

Builds a real git repository once in a temporary folder (10,000 files added or modified across
sources, tests, docs, config and migrations in one commit range, plus what the repository model
reads for its commands: eight CI workflows of three jobs and 27 run lines each, about the size of
a real project's, a Makefile, a Dockerfile and a Helm chart), and the same change as a manifest,
then times `devops-planner plan` (read git + classify + build + render) for both, best of five
runs each, plus the phases separately. Prints the figures; exits 1 when over target.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from planner.change.git import read_git_change
from planner.change.manifest import load_manifest
from planner.cli import main
from planner.plan.build import build_plan
from planner.render.document import render_plan
from planner.risk.classify import classify

FILES = 10_000
TARGET_S = 2.0
BUILD_TARGET_S = 0.5  # build_plan alone: repository model, stages, rollback
ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}
KINDS = (
    ("src/app/module_{i}.py", "def f_{i}(x):\n    return x + {i}\n"),
    ("src/api/routes/r_{i}.py", "ROUTE = '/r/{i}'\n"),
    ("tests/test_{i}.py", "def test_{i}():\n    assert {i} == {i}\n"),
    ("docs/page_{i}.md", "# Page {i}\n"),
    ("config/part_{i}.yaml", "value: {i}\n"),
    ("src/auth/token_{i}.py", "SECRET_LEN = {i}\n"),
    ("src/services/billing/charge_{i}.py", "AMOUNT = {i}\n"),
    ("src/types/t_{i}.py", "T{i} = int\n"),
)


# the files the repository model reads for its commands: CI workflows, a Makefile, a chart
WORKFLOW = "on: [push]\njobs:\n" + "".join(
    f"  job{j}:\n    runs-on: ubuntu-latest\n    steps:\n"
    + "".join(f"      - run: |\n          cd src\n          make step{k}\n" for k in range(8))
    + "      - run: uv run pytest -q\n"
    for j in range(3)
)
EVIDENCE = {
    "pyproject.toml": "[project]\nname='big'\n[tool.pytest.ini_options]\n",
    "uv.lock": "version = 1\n",
    "Makefile": "".join(f"step{k}:\n\techo {k}\n\n" for k in range(50)),
    "Dockerfile": "FROM python:3.12\nCOPY . .\n",
    "deploy/chart/Chart.yaml": "apiVersion: v2\nname: big\n",
    **{f".github/workflows/ci{w}.yml": WORKFLOW for w in range(8)},
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=ENV, capture_output=True)


def build_repo(root: Path) -> Path:
    repo = root / "repo"
    repo.mkdir()
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    for name, text in EVIDENCE.items():  # read by the repository model at every plan
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    half = FILES // 2
    for i in range(half):  # half exist at base and are modified at head
        pattern, text = KINDS[i % len(KINDS)]
        path = repo / pattern.format(i=i)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(i=i))
    (repo / "alembic.ini").write_text("[alembic]\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    for i in range(FILES):
        pattern, text = KINDS[i % len(KINDS)]
        path = repo / pattern.format(i=i)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(i=i) + f"# changed {i}\n")
    versions = repo / "migrations" / "versions"
    versions.mkdir(parents=True)
    (versions / "b1_add.py").write_text(
        "revision = 'b1'\ndown_revision = 'a0'\n\ndef upgrade():\n    op.drop_column('t', 'c')\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feature: ten thousand files")
    return repo


def write_manifest(root: Path) -> Path:
    files = [
        {
            "path": KINDS[i % len(KINDS)][0].format(i=i),
            "change": "added" if i >= FILES // 2 else "modified",
            "added_lines": 2,
        }
        for i in range(FILES)
    ]
    data = {
        "feature": "big",
        "service": "big",
        "feature_flag": "FEATURE_BIG",
        "integration_points": ["database"],
        "files": files,
    }
    path = root / "manifest.json"
    path.write_text(json.dumps(data))
    return path


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main_bench() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        repo = build_repo(root)
        manifest = write_manifest(root)
        print(
            f"setup: repository and manifest of {FILES} files in {time.perf_counter() - t0:.1f} s"
        )
        out = root / "plan.md"
        git_args = [
            "plan",
            "--repo",
            str(repo),
            "--base",
            "main",
            "--head",
            "feature",
            "-o",
            str(out),
        ]
        man_args = [
            "plan",
            "--manifest",
            str(manifest),
            "--format",
            "json",
            "-o",
            str(root / "p.json"),
        ]
        assert main(git_args) == 0 and main(man_args) == 0
        git_s = best_of(5, lambda: main(git_args))
        man_s = best_of(5, lambda: main(man_args))
        changes = read_git_change(str(repo), "main", "feature")
        risk = classify(changes)
        plan = build_plan(changes, risk)
        phases = {
            "read git": best_of(3, lambda: read_git_change(str(repo), "main", "feature")),
            "classify": best_of(3, lambda: classify(changes)),
            "build": best_of(5, lambda: build_plan(changes, risk)),
            "render markdown": best_of(3, lambda: render_plan(plan, "markdown")),
            "render json": best_of(3, lambda: render_plan(plan, "json")),
            "load manifest": best_of(3, lambda: load_manifest(manifest)),
        }
        load = os.getloadavg()[0]
        print(f"load average {load:.1f} on {os.cpu_count()} cores (wall times suffer above that)")
        print(
            f"plan, git range of {len(changes.files)} files: {git_s:.3f} s (target < {TARGET_S} s)"
        )
        print(f"plan, manifest of {FILES} files (json): {man_s:.3f} s (target < {TARGET_S} s)")
        for name, seconds in phases.items():
            print(f"  {name:16s} {seconds:.3f} s")
        print(f"  markdown size    {out.stat().st_size / 1e6:.1f} MB")
        print(f"  evidence files   {len(changes.evidence)} read at head (CI, Makefile, charts)")
        build_s = phases["build"]
    worst = max(git_s, man_s)
    if worst > TARGET_S:
        print(f"FAIL: {worst:.3f} s > {TARGET_S} s")
        return 1
    if build_s > BUILD_TARGET_S:
        print(f"FAIL: build {build_s:.3f} s > {BUILD_TARGET_S} s")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main_bench())
