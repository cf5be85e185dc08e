"""Reading a change from a real git range into a :class:`ChangeSet`.

Everything goes through ``git`` itself, run with argument lists (never a shell): the changed
files with rename detection (``diff --raw -M``), line counts (``diff --numstat -M``), the commits
of the range (oldest first, merges left out: a revert plan reverts the commits they bring), the
text of every changed file at ``head`` and ``base`` (one ``cat-file --batch`` process for all
blobs) and the list of files at ``head``. The parsers are pure functions over git's ``-z``
output; :func:`read_git_change` is the I/O wrapper.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from planner.change.model import ChangedFile, ChangeKind, ChangeSet
from planner.exceptions import ChangeError, GitError
from planner.model import Commit

__all__ = [
    "MAX_CONTENT_BYTES",
    "RawEntry",
    "parse_cat_file",
    "parse_log",
    "parse_numstat",
    "parse_raw",
    "read_git_change",
]

MAX_CONTENT_BYTES = 1 << 20  # larger blobs are not read as text (content None)
_NULL_SHA = "0" * 40
_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_REPO_ENV = frozenset(
    {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"}
    | {"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_PREFIX"}
)
_KINDS: dict[str, ChangeKind] = {
    "A": "added",
    "C": "added",
    "M": "modified",
    "T": "modified",
    "D": "deleted",
    "R": "renamed",
}


@dataclass(frozen=True)
class RawEntry:
    """One record of ``git diff --raw -z``: blob ids are ``None`` on the missing side."""

    path: str
    change: ChangeKind
    old_path: str | None
    old_blob: str | None
    new_blob: str | None


def read_git_change(repo: str, base: str | None, head: str = "HEAD") -> ChangeSet:
    """Read the change ``base...head`` of the repository at ``repo`` (from their merge-base).

    Args:
        repo: a folder inside a git work tree (or a bare repository).
        base: the base ref; ``None`` takes the merge-base of ``head`` with the default branch
            (``origin/HEAD`` if set, else ``main``, else ``master``).
        head: the head ref.

    Returns:
        A change set whose ``base`` and ``head`` are the resolved commit ids.

    Raises:
        GitError: git is missing, ``repo`` is not a repository, a ref is unknown, or there is
            no default branch to take the merge-base with.
        ChangeError: the range changes no file.
    """
    git = _Git(repo)
    try:
        git.run(["rev-parse", "--git-dir"])
    except GitError as exc:
        if "not a git repository" in str(exc):
            raise GitError(f"{repo}: not a git repository") from None
        raise  # e.g. "detected dubious ownership": git's own words say what to do
    head_sha = git.resolve(head)
    if base is None:
        default = git.default_branch()
        base_sha = git.run(
            ["merge-base", default, head_sha],
            f"{repo}: {default} and {head!r} have no common ancestor; pass --base",
        ).strip()
        base_label = f"merge-base of {default} and {head}"
    else:
        base_sha = git.resolve(base)
        base_label = base
        # A base that moved on since the branch point (`--base origin/main`): diff from the
        # merge-base, as a pull request does, so the base's own new commits are not counted
        # as changes. Unrelated histories keep the plain two-point diff.
        try:
            fork = git.run(["merge-base", base_sha, head_sha], "no merge-base").strip()
        except GitError:
            fork = base_sha
        if fork != base_sha:
            base_sha, base_label = fork, f"merge-base of {base} and {head}"
    diff = ["diff", "-M", "-z", "--no-ext-diff", "--no-textconv", "--no-color", "--no-relative"]
    raw = parse_raw(git.run([*diff, "--raw", "--no-abbrev", base_sha, head_sha]))
    if not raw:
        raise ChangeError(f"{repo}: empty range {base_label}..{head}: no changed files")
    blobs = {b for e in raw for b in (e.old_blob, e.new_blob) if b is not None}
    batch = "".join(f"{b}\n" for b in sorted(blobs))
    # numstat (line diffs) and cat-file (blob texts) dominate on large ranges: run the four
    # remaining git processes side by side.
    with ThreadPoolExecutor(max_workers=4) as pool:
        numstat = pool.submit(git.run, [*diff, "--numstat", base_sha, head_sha])
        log_args = [
            "log",
            "--reverse",
            "--topo-order",
            "--no-merges",
            "--no-show-signature",
            "-z",
            "--format=%H%x00%s",
        ]
        log = pool.submit(git.run, [*log_args, f"{base_sha}..{head_sha}"])
        cat = pool.submit(git.run_bytes, ["cat-file", "--batch"], None, batch)
        tree = pool.submit(git.run, ["ls-tree", "-r", "--full-tree", "--name-only", "-z", head_sha])
        counts = parse_numstat(numstat.result())
        texts = parse_cat_file(cat.result())
        commits = parse_log(log.result())
        repo_files = tuple(p for p in tree.result().split("\0") if p)
    files = tuple(
        ChangedFile(
            path=e.path,
            change=e.change,
            added_lines=counts.get(e.path, (0, 0))[0],
            deleted_lines=counts.get(e.path, (0, 0))[1],
            old_path=e.old_path,
            content=texts.get(e.new_blob) if e.new_blob else None,
            base_content=texts.get(e.old_blob) if e.old_blob else None,
        )
        for e in raw
    )
    return ChangeSet(
        source="git",
        files=files,
        repo=repo,
        base=base_sha,
        head=head_sha,
        commits=commits,
        repo_files=repo_files,
    )


def parse_raw(out: str) -> tuple[RawEntry, ...]:
    """Parse ``git diff --raw -z --no-abbrev`` output (submodule entries have no blob)."""
    tokens = out.split("\0")
    entries: list[RawEntry] = []
    i = 0
    while i < len(tokens) and tokens[i].startswith(":"):
        meta = tokens[i].split()
        old_mode, new_mode, old_sha, new_sha, status = meta[0][1:], meta[1], *meta[2:5]
        kind = _KINDS.get(status[0], "modified")
        if status[0] in "RC":
            old_path, path, i = tokens[i + 1], tokens[i + 2], i + 3
        else:
            old_path, path, i = None, tokens[i + 1], i + 2
        entries.append(
            RawEntry(
                path=path,
                change=kind,
                old_path=old_path if kind == "renamed" else None,
                old_blob=_blob(old_sha, old_mode),
                new_blob=_blob(new_sha, new_mode),
            )
        )
    return tuple(entries)


def parse_numstat(out: str) -> dict[str, tuple[int, int]]:
    """Parse ``git diff --numstat -z`` into ``{path at head: (added, deleted)}``; binary 0/0."""
    tokens = out.split("\0")
    counts: dict[str, tuple[int, int]] = {}
    i = 0
    while i < len(tokens) and tokens[i]:
        added, deleted, path = tokens[i].split("\t", 2)
        if path:
            i += 1
        else:  # a rename: old and new path follow as their own tokens
            path, i = tokens[i + 2], i + 3
        counts[path] = (_int(added), _int(deleted))
    return counts


def parse_log(out: str) -> tuple[Commit, ...]:
    """Parse ``git log -z --format=%H%x00%s``: NUL-separated id and subject, record after record.

    Only NUL separates (a subject holding U+2028, U+001C or any other line break stays one
    subject); an id that is not 40 or 64 hex digits ends the list rather than becoming a commit.
    """
    tokens = out.split("\0")
    commits = []
    for sha, subject in zip(tokens[0::2], tokens[1::2], strict=False):
        sha = sha.lstrip("\n")
        if not _COMMIT_ID.fullmatch(sha):
            break
        commits.append(Commit(sha=sha, subject=subject))
    return tuple(commits)


def parse_cat_file(out: bytes) -> dict[str, str | None]:
    """Parse ``git cat-file --batch`` output into ``{blob id: text}``.

    A binary blob (a NUL byte in its first 8000 bytes), a blob over :data:`MAX_CONTENT_BYTES`
    or a missing object maps to ``None``; text is decoded as UTF-8 with replacement.
    """
    texts: dict[str, str | None] = {}
    pos = 0
    while pos < len(out):
        nl = out.index(b"\n", pos)
        header = out[pos:nl].decode("ascii", "replace").split()
        pos = nl + 1
        if len(header) != 3:  # "<id> missing"
            texts[header[0]] = None
            continue
        sha, size = header[0], int(header[2])
        data = out[pos : pos + size]
        pos += size + 1
        binary = size > MAX_CONTENT_BYTES or b"\0" in data[:8000]
        texts[sha] = None if binary else data.decode("utf-8", "replace")
    return texts


def _blob(sha: str, mode: str) -> str | None:
    return None if sha == _NULL_SHA or mode == "160000" else sha


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


class _Git:
    """Runs git in one repository and turns its failures into one-line errors."""

    def __init__(self, repo: str) -> None:
        exe = shutil.which("git")
        if exe is None:
            raise GitError("git: not found on PATH (install git to read a repository)")
        if not Path(repo).is_dir():
            raise GitError(f"{repo}: not a git repository (no such folder)")
        self.repo = repo
        self.exe = exe
        # Run from a git hook, these would point git at the hook's repository instead of ``repo``.
        inherited = {k: v for k, v in os.environ.items() if k not in _REPO_ENV}
        self.env = {**inherited, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}

    def run_bytes(self, args: Sequence[str], error: str | None = None, stdin: str = "") -> bytes:
        """Run ``git <args>``; on failure raise ``GitError(error)`` or one naming git's message."""
        cmd = [self.exe, "-C", self.repo, "-c", "core.quotepath=off", *args]
        try:
            done = subprocess.run(  # an argument list, never a shell
                cmd, input=stdin.encode(), capture_output=True, env=self.env, check=False
            )
        except OSError as exc:
            raise GitError(f"{self.repo}: cannot run git: {exc.strerror or exc}") from None
        if done.returncode != 0:
            if error is not None:
                raise GitError(error)
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            first = lines[0].removeprefix("fatal: ") if lines else f"exit {done.returncode}"
            raise GitError(f"{self.repo}: git {args[0]} failed: {first}")
        return done.stdout

    def run(self, args: Sequence[str], error: str | None = None, stdin: str = "") -> str:
        return self.run_bytes(args, error, stdin).decode("utf-8", "replace")

    def resolve(self, ref: str) -> str:
        """The commit id of ``ref``."""
        error = f"{self.repo}: unknown ref {ref!r} (not a commit)"
        if not ref or ref.startswith("-"):
            raise GitError(error)
        return self.run(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], error).strip()

    def default_branch(self) -> str:
        """``origin/HEAD``'s branch, else ``main``, else ``master``."""
        try:
            ref = self.run(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]).strip()
            return ref.removeprefix("refs/remotes/")
        except GitError:
            pass
        for name in ("main", "master"):
            try:
                self.resolve(name)
                return name
            except GitError:
                continue
        raise GitError(
            f"{self.repo}: no default branch (origin/HEAD, main or master) to take the "
            "merge-base with; pass --base"
        )
