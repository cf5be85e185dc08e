"""Reading a change from a real git range into a :class:`ChangeSet`.

Everything goes through ``git`` itself, run with argument lists (never a shell): the changed
files with rename detection (``diff --raw -M``), line counts (``diff --numstat -M``), the commits
of the range (oldest first, merges left out: a revert plan reverts the commits they bring), the
text of every changed file at ``head`` and ``base`` (one ``cat-file --batch`` process for all
blobs), the changed lines (``diff -U0``, the hunks risk evidence is read from), the list of
files at ``head`` and the text of the files the repository model reads as
evidence (:func:`is_evidence`: CI files, Makefiles, ``package.json``, ...). For releases it also
reads the first-parent history of the range with its merge commits, the tags at ``base`` and the
tags inside the range (:class:`~planner.change.model.History`). The deployed version is always
``head`` itself, a merge commit included. The parsers are pure functions over git's ``-z``
output; :func:`read_git_change` is the I/O wrapper.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from planner.change.evidence import MAX_EVIDENCE_FILES, is_evidence
from planner.change.history import read_history
from planner.change.hunks import Hunk, PatchSection, parse_patch
from planner.change.model import COMMIT_ID, ChangedFile, ChangeKind, ChangeSet
from planner.exceptions import ChangeError, GitError
from planner.model import Commit

__all__ = [
    "FUNCNAME_MAX_FILES",
    "MAX_CONTENT_BYTES",
    "RawEntry",
    "grep_base",
    "match_sections",
    "parse_cat_file",
    "parse_log",
    "parse_numstat",
    "parse_raw",
    "read_git_change",
]

MAX_CONTENT_BYTES = 1 << 20  # larger blobs are not read as text (content None)
# Above this many files the language function finders are skipped: on 10,000 files they cost
# git about 1 s of regex work, and a change that size is reviewed by its files, not its methods.
FUNCNAME_MAX_FILES = 2000
_NULL_SHA = "0" * 40
_REPO_ENV = frozenset(
    {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"}
    | {"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_PREFIX"}
)
# file patterns -> git's built-in diff drivers, whose function finders see indented methods
_FUNCNAME_ATTRIBUTES = "".join(
    f"*.{ext} diff={driver}\n"
    for ext, driver in (
        ("py", "python"),
        ("java", "java"),
        ("kt", "kotlin"),
        ("go", "golang"),
        ("rb", "ruby"),
        ("php", "php"),
        ("cs", "csharp"),
        ("rs", "rust"),
        ("ex", "elixir"),
        ("exs", "elixir"),
        *((ext, "planner-js") for ext in ("js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts")),
    )
)
# git has no JS/TS driver: functions, arrow functions bound to a name, methods and classes
_JS_FUNCNAME = (
    r"^[ \t]*((export[ \t]+)?(default[ \t]+)?(async[ \t]+)?function\b.*"
    r"|(export[ \t]+)?(const|let|var)[ \t]+[A-Za-z_$][A-Za-z0-9_$]*[ \t]*=[ \t]*(async[ \t]*)?"
    r"(\([^)]*\)|[A-Za-z_$][A-Za-z0-9_$]*)[ \t]*(:[^=]*)?=>.*"
    r"|((public|private|protected|static|async|get|set)[ \t]+)*[A-Za-z_$][A-Za-z0-9_$]*[ \t]*"
    r"\([^;]*\)[ \t]*(:[^{;]*)?\{[ \t]*$"
    r"|(export[ \t]+)?(default[ \t]+)?(abstract[ \t]+)?class\b.*)$"
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
    patch_args = ["diff", "-M", "-U0", "--full-index", "--no-ext-diff", "--no-textconv"]
    patch_args += ["--no-color", "--no-relative", base_sha, head_sha]
    if len(raw) > FUNCNAME_MAX_FILES:  # git's default finder: top-level lines only, but fast
        return _read(git, repo, raw, diff, patch_args, base_sha, head_sha)
    with tempfile.TemporaryDirectory() as tmp:
        # git's built-in function finders (python, java, kotlin, golang, ruby, php, ...) and
        # ours for JS/TS name the method a hunk sits in after its @@; the repository's own
        # attributes still win
        attributes = Path(tmp) / "attributes"
        attributes.write_text(_FUNCNAME_ATTRIBUTES, encoding="utf-8")
        finders = ["-c", f"core.attributesFile={attributes}"]
        finders += ["-c", f"diff.planner-js.xfuncname={_JS_FUNCNAME}"]
        return _read(git, repo, raw, diff, [*finders, *patch_args], base_sha, head_sha)


def _read(
    git: _Git,
    repo: str,
    raw: tuple[RawEntry, ...],
    diff: list[str],
    patch_args: list[str],
    base_sha: str,
    head_sha: str,
) -> ChangeSet:
    blobs = {b for e in raw for b in (e.old_blob, e.new_blob) if b is not None}
    batch = "".join(f"{b}\n" for b in sorted(blobs))
    # numstat (line diffs), the patch and cat-file (blob texts) dominate on large ranges: run the
    # five remaining git processes side by side.
    with ThreadPoolExecutor(max_workers=5) as pool:
        numstat = pool.submit(git.run, [*diff, "--numstat", base_sha, head_sha])
        patch = pool.submit(git.run, patch_args)
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
        tree = pool.submit(git.run, ["ls-tree", "-r", "--full-tree", "-z", head_sha])
        history = pool.submit(read_history, git.run, base_sha, head_sha)
        listing = parse_tree(tree.result())
        wanted = sorted((p for p in listing if is_evidence(p)), key=lambda p: (p.count("/"), p))[
            :MAX_EVIDENCE_FILES
        ]
        evidence_batch = "".join(f"{listing[p]}\n" for p in wanted)
        evidence_cat = pool.submit(git.run_bytes, ["cat-file", "--batch"], None, evidence_batch)
        counts = parse_numstat(numstat.result())
        texts = parse_cat_file(cat.result())
        commits = parse_log(log.result())
        repo_files = tuple(listing)
        evidence_texts = parse_cat_file(evidence_cat.result()) if wanted else {}
        evidence = tuple(
            (p, text) for p in wanted if (text := evidence_texts.get(listing[p])) is not None
        )
        hunks = match_sections(raw, parse_patch(patch.result()))
    context = _context_files(git, head_sha, repo_files)
    files = tuple(
        ChangedFile(
            path=e.path,
            change=e.change,
            added_lines=counts.get(e.path, (0, 0))[0],
            deleted_lines=counts.get(e.path, (0, 0))[1],
            old_path=e.old_path,
            content=texts.get(e.new_blob) if e.new_blob else None,
            base_content=texts.get(e.old_blob) if e.old_blob else None,
            hunks=hunks[i],
        )
        for i, e in enumerate(raw)
    )
    return ChangeSet(
        source="git",
        files=files,
        repo=repo,
        base=base_sha,
        head=head_sha,
        commits=commits,
        repo_files=repo_files,
        evidence=evidence,
        history=history.result(),
        context_files=context,
    )


# Tool configuration the database plan reads (migration tool versions, locations, runners).
CONTEXT_NAMES = frozenset(
    {
        "package.json",
        "flyway.conf",
        "flyway.toml",
        "application.properties",
        "application.yml",
        "application.yaml",
        "build.gradle",
        "build.gradle.kts",
        "pom.xml",
        "prisma.config.ts",
        "alembic.ini",
        "Dockerfile",
        "Procfile",
        "docker-entrypoint.sh",
        "entrypoint.sh",
        "prestart.sh",
        # the database engine (planner.migrations.tools.engine)
        "schema.prisma",
        "go.mod",
        "drizzle.config.ts",
        "drizzle.config.js",
        "drizzle.config.mjs",
        "drizzle.config.json",
        "database.yml",
        ".env",
        ".env.dist",
        ".env.example",
        ".env.sample",
        ".env.local.example",
        "docker-compose.yml",
        "docker-compose.yaml",
        "compose.yml",
        "compose.yaml",
    }
)
# Code that configures or runs a migration tool: goose from Go, Diesel's embedded migrations
_CONTEXT_CODE = {
    "*.go": r"goose\.(SetTableName|Up|UpTo|UpContext|NewProvider|SetBaseFS)\b"
    r"|^//go:embed .*migrat",
    "*.rs": r"\brun_pending_migrations\b",
    "*.cs": r"\.Database\.Migrate(Async)?\s*\(|\b(Use|Add)(Npgsql|MySql|MySQL|Sqlite)",
    "*.py": r"django\.db\.backends\.",
    "*.csproj": r"Microsoft\.NET\.Sdk\.Web",  # the startup project of dotnet ef
    "*.exs": r"Ecto\.Adapters\.",
    "*.ex": r"Ecto\.Adapters\.",
}
_MAX_CONTEXT = 40


def _context_files(
    git: _Git, head: str, repo_files: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """Texts at ``head`` of the configuration files in :data:`CONTEXT_NAMES` (shallowest
    first) and of the Go or Rust files that configure or run a migration tool
    (:data:`_CONTEXT_CODE`), at most ``_MAX_CONTEXT`` files."""
    wanted = sorted(
        (p for p in repo_files if posixpath.basename(p) in CONTEXT_NAMES),
        key=lambda p: (p.count("/"), p),
    )[:_MAX_CONTEXT]
    suffixes = {posixpath.splitext(p)[1] for p in repo_files}
    globs = [g for g in _CONTEXT_CODE if g[1:] in suffixes]
    if globs:  # one git grep over the tree for every kind of file, not one per kind
        code = "|".join(f"({_CONTEXT_CODE[g]})" for g in globs)
        try:
            found = git.run(["grep", "-l", "-I", "-E", code, head, "--", *globs], "")
        except GitError:
            found = ""  # git grep exits 1 when nothing matches
        prefix = f"{head}:"
        paths = [p.removeprefix(prefix) for p in found.splitlines()]
        for glob in globs:  # at most 10 files of each kind, in git's order
            wanted += [p for p in paths if posixpath.splitext(p)[1] == glob[1:]][:10]
    if not wanted:
        return ()
    listing = git.run(["ls-tree", "-z", "--full-tree", head, "--", *wanted])
    blobs: dict[str, str] = {}
    for entry in listing.split("\0"):
        meta, _, path = entry.partition("\t")
        if path and meta.split()[1:2] == ["blob"]:
            blobs[path] = meta.split()[2]
    batch = "".join(f"{blobs[p]}\n" for p in wanted if p in blobs)
    texts = parse_cat_file(git.run_bytes(["cat-file", "--batch"], None, batch))
    return tuple((p, t) for p in wanted if p in blobs and (t := texts.get(blobs[p])) is not None)


# Left out of the base search: migrations, docs and tests (they do not break in production).
_NOT_CODE = (
    ":(exclude)*.md",
    ":(exclude)*.sql",
    ":(exclude,glob)**/migrations/**",
    ":(exclude,glob)**/migrate/**",
    ":(exclude,glob)**/test/**",
    ":(exclude,glob)**/tests/**",
    ":(exclude,glob)**/spec/**",
    ":(exclude,glob)**/*_test.*",
    ":(exclude,glob)**/test_*",
    ":(exclude,glob)**/*.test.*",
    ":(exclude,glob)**/*.spec.*",
    # a schema dump (Rails db/schema.rb) names every column and is not code the server runs
    ":(exclude,glob)**/db/schema.rb",
)


def grep_base(
    repo: str, ref: str, names: Sequence[str], exclude: Sequence[str] = ()
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The files at ``ref`` that contain each of ``names`` as a whole word (``git grep -w``),
    leaving out the folders in ``exclude`` (the migrations themselves), migrations, Markdown and
    tests.

    Raises:
        GitError: git is missing or ``ref`` is unknown.
    """
    git = _Git(repo)
    skip = [f":(exclude){d}/**" if d else ":(exclude)*.sql" for d in dict.fromkeys(exclude)]
    out: list[tuple[str, tuple[str, ...]]] = []
    for name in names:
        args = ["grep", "-l", "-w", "-F", "-I", "-e", name, ref, "--", ".", *_NOT_CODE]
        try:
            found = git.run([*args, *skip], "")
        except GitError:
            found = ""  # git grep exits 1 when nothing matches
        prefix = f"{ref}:"
        out.append((name, tuple(p.removeprefix(prefix) for p in found.splitlines() if p)))
    return tuple(out)


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


def match_sections(
    raw: Sequence[RawEntry], sections: Sequence[PatchSection]
) -> list[tuple[Hunk, ...] | None]:
    """The hunks of each raw entry: git writes the patch in the order of ``--raw`` (same diff
    options), so sections pair up one to one; when the counts differ (a type change is two
    sections) they are paired by blob ids, and an entry without a section gets ``None``."""
    if len(sections) == len(raw):
        return [s.hunks for s in sections]
    by_blobs = {(s.old_blob, s.new_blob): s.hunks for s in sections if s.new_blob}
    null = "0" * 40
    return [by_blobs.get((e.old_blob or null, e.new_blob or null)) for e in raw]


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
        if not COMMIT_ID.fullmatch(sha):
            break
        commits.append(Commit(sha=sha, subject=subject))
    return tuple(commits)


def parse_tree(out: str) -> dict[str, str]:
    """Parse ``git ls-tree -r -z`` into ``{path: blob id}`` (submodules keep their commit id)."""
    files: dict[str, str] = {}
    for record in out.split("\0"):
        meta, tab, path = record.partition("\t")
        if tab:
            files[path] = meta.split()[2]
    return files


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
