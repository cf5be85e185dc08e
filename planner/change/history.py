"""The range as a release: first-parent commits, merges, and release tags (git only).

:func:`read_history` runs ``git log --first-parent`` (merge commits included, with their parent
count), ``git tag --points-at`` the base, ``git tag --merged head --no-merged base`` (tags inside
the range) and ``git describe --tags --abbrev=0`` (the release the base belongs to).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from planner.change.model import COMMIT_ID, History
from planner.exceptions import GitError
from planner.model import Commit

__all__ = ["parse_first_parent", "read_history"]


def parse_first_parent(out: str) -> tuple[tuple[Commit, ...], tuple[str, ...]]:
    """Parse ``git log -z --first-parent --format=%H%x00%P%x00%s``: commits and merges among them.

    Only NUL separates (a subject holding a line break, U+2028 or U+001C stays one subject, and
    cannot forge a commit); an id that is not 40 or 64 hex digits ends the list.
    """
    commits: list[Commit] = []
    merges: list[str] = []
    tokens = out.split("\0")
    for sha, parents, subject in zip(tokens[0::3], tokens[1::3], tokens[2::3], strict=False):
        sha = sha.lstrip("\n")
        if not COMMIT_ID.fullmatch(sha):
            break
        commits.append(Commit(sha=sha, subject=subject))
        if len(parents.split()) > 1:
            merges.append(sha)
    return tuple(commits), tuple(merges)


def read_history(run: Callable[[Sequence[str]], str], base: str, head: str) -> History:
    """First-parent commits of ``base..head`` (oldest first), merges, and release tags.

    ``run`` runs ``git <args>`` in the repository and raises :class:`GitError` on failure.
    """
    log = run(
        [
            "log",
            "-z",
            "--first-parent",
            "--reverse",
            "--no-show-signature",
            "--format=%H%x00%P%x00%s",
            f"{base}..{head}",
        ]
    )
    mainline, merges = parse_first_parent(log)
    at_base = run(["tag", "--points-at", base, "--sort=-creatordate"]).split()
    inside = run(["tag", "--merged", head, "--no-merged", base, "--sort=creatordate"]).split()
    try:
        previous: str | None = run(["describe", "--tags", "--abbrev=0", base]).strip() or None
    except GitError:
        previous = None  # no tag reachable from base
    return History(
        mainline=mainline,
        merges=merges,
        base_tags=tuple(at_base),
        previous_release=previous,
        range_tags=tuple(inside),
    )
