"""The scheduling recipes of docs/reports.md run as written, on a service's own repository and
history: the cron line, the systemd unit's ``ExecStart`` and the GitHub Actions steps.

Each recipe is read from the docs, not copied here. Its absolute paths (``/srv/...``,
``/var/log/...``) are moved under a temporary root, the only change made to it. The service is a
small Flask application laid out as pallets/flask's ``examples/tutorial`` (``flaskr/`` package,
``schema.sql``), with a ``deploy/service.yaml`` profile; its history is the sample fortnight
moved 60 days later (so no date of the sample fits it) with its incidents beside it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

import pandas as pd
import pytest
import yaml
from support.gitrepo import GIT_ENV, commit, git, make_repo
from support.paths import ROOT
from support.wheel import build_wheel

DOCS = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
WORKFLOW = ROOT / "docs" / "examples" / "nightly-report.yml"
SHIFT = pd.Timedelta(days=60)

FLASKR = {
    "flaskr/__init__.py": "from flask import Flask\n\n\ndef create_app():\n"
    "    return Flask(__name__)\n",
    "flaskr/db.py": "import sqlite3\n\n\ndef get_db():\n    return sqlite3.connect('x')\n",
    "flaskr/schema.sql": "CREATE TABLE user (id INTEGER PRIMARY KEY, username TEXT);\n",
    "pyproject.toml": '[project]\nname = "flaskr"\nversion = "1.0.0"\n',
}
CHANGE = {
    "flaskr/auth.py": "import functools\n\n\ndef login_required(view):\n    return view\n",
    "flaskr/schema.sql": "CREATE TABLE user (id INTEGER PRIMARY KEY, username TEXT);\n"
    "DROP TABLE post;\n",
}


def _block(language: str, containing: str) -> str:
    for body in re.findall(rf"```{language}\n(.*?)```", DOCS, re.S):
        if containing in body:
            return str(body)
    raise AssertionError(f"docs/reports.md: no ```{language} block with {containing!r}")


def _history(folder: Path, trace: str, labels: str) -> None:
    """The sample trace and incidents, moved ``SHIFT`` later: a history of one's own."""
    frame = pd.read_csv(ROOT / "data" / "sample" / "web-service-14d.csv")
    frame["timestamp"] = (pd.to_datetime(frame["timestamp"]) + SHIFT).map(lambda t: t.isoformat())
    (folder / trace).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / trace, index=False)
    doc = yaml.safe_load((ROOT / "data/sample/web-service-14d.incidents.yaml").read_text())
    for inc in doc["incidents"]:
        for key in ("start", "end"):
            inc[key] = (pd.Timestamp(inc[key]) + SHIFT).isoformat()
    (folder / labels).write_text(yaml.safe_dump(doc))


def _service_repo(tmp_path: Path, name: str) -> Path:
    repo = make_repo(tmp_path, FLASKR, name=name, message="flaskr 1.0")
    profile = (ROOT / "data" / "sample" / "service.yaml").read_text().replace("api", "flaskr")
    commit(repo, {"deploy/service.yaml": profile}, "deploy profile")
    git(repo, "tag", "v1.0.0")
    release = git(repo, "rev-parse", "HEAD")
    head = commit(repo, CHANGE, "auth: login_required; drop the post table")
    git(repo, "update-ref", "refs/remotes/origin/release", release)  # as after `git fetch`
    git(repo, "update-ref", "refs/remotes/origin/main", head)
    return repo


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A root holding /srv/devops-planner (the toolkit), /srv/checkout, /srv/history, /var/log."""
    root = tmp_path_factory.mktemp("root")
    (root / "srv" / "devops-planner").mkdir(parents=True)
    (root / "srv" / "devops-planner" / ".venv").symlink_to(ROOT / ".venv")
    _service_repo(root / "srv", "checkout")
    _history(root / "srv" / "history", "checkout.csv", "checkout.incidents.yaml")
    (root / "var" / "log").mkdir(parents=True)
    return root


def _rooted(text: str, root: Path) -> str:
    return re.sub(r"(?<![\w/])/(srv|var/log)/", lambda m: f"{root}/{m.group(1)}/", text)


def _env(**extra: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "TMPDIR", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")
    return {k: v for k, v in GIT_ENV.items() if k in keep} | extra


def _page(log: str, root: Path) -> Path:
    pages = re.findall(r"^(/\S+/report\.html)$", log, re.M)
    assert len(pages) == 1, log
    page = Path(pages[0])
    assert page.is_file() and page.is_relative_to(root)
    return page


def _own_history(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "Sample history." not in text
    # the split fits the moved history: the sample's automatic split, 60 days on
    assert (pd.Timestamp("2026-03-08T11:00Z") + SHIFT).isoformat() in text


@pytest.mark.slow
def test_cron_line_runs_as_written(srv: Path) -> None:
    line = next(
        ln for ln in _block("cron", "devops-planner report").splitlines() if ln[:1].isdigit()
    )
    command = _rooted(line.split(None, 5)[5], srv)
    # cron runs the command with /bin/sh from the user's home, with a minimal environment
    done = subprocess.run(
        ["/bin/sh", "-c", command], cwd=srv, env=_env(SHELL="/bin/sh"), timeout=600
    )
    log = (srv / "var" / "log" / "rollout-report.log").read_text()
    assert done.returncode == 0, log
    _own_history(_page(log, srv / "srv" / "reports"))


@pytest.mark.slow
def test_systemd_exec_start_runs_as_written(srv: Path) -> None:
    unit = _block("ini", "ExecStart=").replace("\\\n", " ")
    fields = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and line[:1].isalpha()
    )
    # systemd splits ExecStart itself (no shell) and starts it in WorkingDirectory; the unit's
    # User= needs root and is not exercised here
    argv = shlex.split(_rooted(fields["ExecStart"], srv))
    done = subprocess.run(
        argv,
        cwd=_rooted(fields["WorkingDirectory"], srv),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # the journal gets the page path only
    _own_history(_page(done.stdout, srv / "srv" / "reports"))


@pytest.mark.slow
def test_github_actions_steps_run_as_a_script(tmp_path: Path) -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["report"]["steps"]
    # actions/checkout with fetch-depth 0: the service repository with its history and tags
    workspace = _service_repo(tmp_path, "workspace")
    _history(workspace / "history", "web-service.csv", "incidents.yaml")
    # setup-python: a `python` on PATH; the install source is the recipe's fill-in, set to this
    # project's wheel, and the dependencies come from this environment (no network in tests)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = _env(
        PATH=f"{bin_dir}:{os.environ['PATH']}",
        PYTHONPATH=sysconfig.get_paths()["purelib"],
        JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),  # nbconvert's templates
        PIP_NO_DEPS="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        DEVOPS_PLANNER=str(build_wheel(tmp_path / "wheel")),
    )
    assert "DEVOPS_PLANNER" in workflow["env"]  # the recipe's own fill-in line
    ran = 0
    for step in steps:
        if "run" not in step:
            continue  # `uses:` steps: checkout and setup-python done above; cache and upload
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]],  # Actions' default shell for run steps
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, f"{step.get('name')}: {done.stderr}"
        ran += 1
    assert ran == 2
    pages = sorted((workspace / "reports").glob("*/report.html"))
    assert len(pages) == 1 and (workspace / "reports" / "index.html").is_file()
    _own_history(pages[0])
