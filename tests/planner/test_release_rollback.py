"""Merges and releases with real git: the deployed version is head, and the revert works.

The Level 3 commands are not only compared with expected text: they are run with bash in a
clone, and the clone's tree must then equal the base commit's tree (the rollback really rolls
back). Layouts follow openfga/openfga (Go, Makefile, merge commits from pull requests on main,
release tags ``vX.Y.Z``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.gitrepo import GIT_ENV, commit, git, make_repo

from planner.change.git import read_git_change
from planner.model import Plan
from planner.plan.build import build_plan
from planner.profile import parse_profile
from planner.risk import classify

K8S = parse_profile({"platform": "kubernetes", "namespace": "auth", "service": "openfga"})
BASE_FILES = {
    "go.mod": "module github.com/openfga/openfga\n",
    "Makefile": "build:\n\tgo build ./cmd/openfga\n\ntest-unit:\n\tgo test ./...\n",
    "Dockerfile": "FROM golang\n",
    "cmd/openfga/main.go": "package main\n",
    "pkg/server/server.go": "package server\n",
}


def plan_of(repo: Path, base: str, head: str) -> Plan:
    changes = read_git_change(str(repo), base, head)
    return build_plan(changes, classify(changes), K8S)


def level3_commands(plan: Plan) -> list[str]:
    return [s.command for s in plan.rollback.levels[2].steps if s.command]


def run_in_clone(tmp_path: Path, repo: Path, commands: list[str]) -> Path:
    """Clone ``repo`` at its ``main`` and run ``commands`` there with bash, one by one."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, env=GIT_ENV)
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command], cwd=clone, env=GIT_ENV, capture_output=True, text=True
        )
        assert done.returncode == 0, (command, done.stderr)
    return clone


def tree(repo: Path, ref: str) -> str:
    return git(repo, "rev-parse", f"{ref}^{{tree}}")


def merged_feature(tmp_path: Path) -> tuple[Path, str, str, str]:
    """main -> a pull request merged with --no-ff; returns repo, base, feature tip, merge."""
    repo = make_repo(tmp_path, BASE_FILES)
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"pkg/server/check.go": "package server\n// check\n"}, "feat: check")
    tip = commit(repo, {"pkg/server/server.go": "package server\n// v2\n"}, "feat: v2")
    git(repo, "checkout", "-q", "main")
    commit(repo, {"cmd/openfga/flags.go": "package main\n// flags\n"}, "fix: flags on main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #1 from feature", "feature")
    return repo, base, tip, git(repo, "rev-parse", "HEAD")


def test_a_merge_head_deploys_the_merge_commit_not_its_second_parent(tmp_path: Path) -> None:
    repo, base, tip, merge = merged_feature(tmp_path)
    plan = plan_of(repo, base, merge)
    stage_commands = " ".join(c for s in plan.stages for c in s.commands)
    # the image of the merge commit (its tree has the fix made on main); the feature tip lacks it
    assert f"openfga:{merge[:12]}" in stage_commands
    assert tip[:12] not in stage_commands


def test_a_small_range_reverts_the_merge_with_m1_and_the_clone_matches_base(
    tmp_path: Path,
) -> None:
    repo, base, _, merge = merged_feature(tmp_path)
    plan = plan_of(repo, base, merge)
    reverts = [c for c in level3_commands(plan) if c.startswith("git revert")]
    fix = git(repo, "rev-parse", "HEAD^1")
    # newest first: the merge against its first parent, then the commit made on main
    assert reverts == [f"git revert --no-edit -m 1 {merge}", f"git revert --no-edit {fix}"]
    clone = run_in_clone(tmp_path, repo, reverts)
    assert tree(clone, "HEAD") == tree(repo, base)


def release_range(tmp_path: Path, commits: int, tag_inside: bool) -> tuple[Path, str]:
    repo = make_repo(tmp_path, BASE_FILES)
    git(repo, "tag", "v1.4.0")
    base = git(repo, "rev-parse", "HEAD")
    for i in range(commits):
        files: dict[str, str | None] = {f"pkg/server/f{i}.go": f"package server\n// {i}\n"}
        if i == 1:
            files["pkg/server/server.go"] = None  # a deletion the rollback must bring back
        commit(repo, files, f"change {i}")
        if tag_inside and i == 0:
            git(repo, "tag", "v1.5.0-rc.1")
    return repo, base


def test_a_release_range_redeploys_the_previous_release_first(tmp_path: Path) -> None:
    repo, base = release_range(tmp_path, commits=7, tag_inside=False)
    plan = plan_of(repo, base, "main")
    level3 = plan.rollback.levels[2]
    first = level3.steps[0]
    assert first.action.startswith("Redeploy the previous release v1.4.0")
    assert (
        first.command == f"kubectl -n auth set image deployment/openfga openfga=openfga:{base[:12]}"
    )
    assert "more than 5" in level3.reason
    # the estimate follows the redeploy: no test and no build before production is back
    assert level3.estimate_explained == "redeploy 4 + verify 1 = 5 min"
    follow = [s for s in level3.steps if s.action.startswith("Follow-up")]
    assert follow and all(level3.steps.index(s) > 2 for s in follow)
    reverts = [s.command for s in follow if s.command and s.command.startswith("git revert")]
    clone = run_in_clone(tmp_path, repo, reverts)
    assert tree(clone, "HEAD") == tree(repo, base)


def test_a_tag_inside_the_range_makes_it_a_release(tmp_path: Path) -> None:
    repo, base = release_range(tmp_path, commits=2, tag_inside=True)
    level3 = plan_of(repo, base, "main").rollback.levels[2]
    assert "v1.5.0-rc.1" in level3.reason
    assert level3.steps[0].action.startswith("Redeploy the previous release v1.4.0")


def test_a_long_release_is_returned_to_the_base_tree_in_one_commit(tmp_path: Path) -> None:
    repo, base = release_range(tmp_path, commits=25, tag_inside=False)
    level3 = plan_of(repo, base, "main").rollback.levels[2]
    [restore] = [s.command for s in level3.steps if s.command and "git restore" in s.command]
    clone = run_in_clone(tmp_path, repo, [restore])
    assert tree(clone, "HEAD") == tree(repo, base)  # added files gone, deleted one back
    assert git(clone, "rev-list", "--count", "HEAD") == "27"  # one new commit, history kept


def test_the_one_commit_restore_refuses_a_dirty_work_tree(tmp_path: Path) -> None:
    repo, base = release_range(tmp_path, commits=25, tag_inside=False)
    level3 = plan_of(repo, base, "main").rollback.levels[2]
    [restore] = [s.command for s in level3.steps if s.command and "git restore" in s.command]
    clone = run_in_clone(tmp_path, repo, [])
    (clone / "go.mod").write_text("module local-work-in-progress\n")
    done = subprocess.run(["bash", "-c", restore], cwd=clone, env=GIT_ENV, check=False)
    assert done.returncode != 0
    assert (clone / "go.mod").read_text() == "module local-work-in-progress\n"  # not lost


def test_history_reads_the_mainline_merges_and_release_tags(tmp_path: Path) -> None:
    repo, base, tip, merge = merged_feature(tmp_path)
    git(repo, "tag", "v2.0.0", merge)
    git(repo, "tag", "v1.0.0", base)
    history = read_git_change(str(repo), base, merge).history
    assert history is not None
    fix = git(repo, "rev-parse", f"{merge}^1")
    # first parents only: the feature's own commits stay behind the merge
    assert [c.sha for c in history.mainline] == [fix, merge]
    assert history.merges == (merge,)
    assert tip not in [c.sha for c in history.mainline]
    assert history.base_tags == ("v1.0.0",)
    assert history.previous_release == "v1.0.0"
    assert history.range_tags == ("v2.0.0",)


def test_evidence_files_are_read_at_head_with_their_text(tmp_path: Path) -> None:
    repo, base, _, merge = merged_feature(tmp_path)
    evidence = dict(read_git_change(str(repo), base, merge).evidence)
    assert set(evidence) == {"Makefile"}  # go.mod, Dockerfile and sources are not evidence
    assert evidence["Makefile"].startswith("build:\n")
