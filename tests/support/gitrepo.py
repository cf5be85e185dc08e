"""Shared test helpers: throwaway git repositories built with real git.

Import the helpers in a test module with ``from conftest import commit, git, make_repo``.
Repositories are isolated from the user's and system git configuration, use ``main`` as the
default branch and fixed author/committer dates, so the same files and messages give the same
commit ids on every run.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

__all__ = ["GIT_ENV", "commit", "git", "make_repo"]

GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_AUTHOR_DATE": "2026-01-05T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-05T10:00:00+00:00",
}


def git(repo: Path, *args: str) -> str:
    """Run ``git -C repo <args>`` and return its stdout (stripped); fail the test on error."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env=GIT_ENV,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def make_repo(
    tmp_path: Path, files: Mapping[str, str], name: str = "repo", message: str = "initial"
) -> Path:
    """Create ``tmp_path/name`` as a git repository on branch ``main``.

    When ``files`` is not empty they are written and committed as the first commit.
    """
    repo = tmp_path / name
    repo.mkdir(parents=True)
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    git(repo, "config", "user.name", "Test Author")
    git(repo, "config", "user.email", "author@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    if files:
        commit(repo, files, message)
    return repo


def commit(repo: Path, files: Mapping[str, str | None], message: str) -> str:
    """Write ``files`` (``None`` deletes the path), commit everything, return the commit id."""
    for rel, text in files.items():
        path = repo / rel
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")
