"""Which files at ``head`` the repository model reads as evidence of how a project ships.

CI files (``.github/workflows/*.yml``, ``.gitlab-ci.yml``), Makefiles and justfiles, script tables
(``package.json``, ``composer.json``), manifests whose text matters (``pyproject.toml``,
``Cargo.toml``, ``pom.xml``, ``mix.exs``, ``Gemfile``, ``manage.py``, ``requirements*``), Helm
``Chart.yaml`` and kustomizations. Vendored folders are skipped;
:func:`~planner.change.git.read_git_change` reads at most :data:`MAX_EVIDENCE_FILES`, the
shallowest first.
"""

from __future__ import annotations

__all__ = ["MAX_EVIDENCE_FILES", "is_evidence"]

MAX_EVIDENCE_FILES = 400  # evidence files read at most (the shallowest first)
_EVIDENCE_NAMES = frozenset(
    {
        "Makefile",
        "GNUmakefile",
        "makefile",
        "justfile",
        "Justfile",
        ".justfile",
        "package.json",
        "composer.json",
        "pyproject.toml",
        "Cargo.toml",
        "pom.xml",
        "mix.exs",
        "Gemfile",
        "manage.py",
        "Chart.yaml",
        "kustomization.yaml",
        "kustomization.yml",
        "Kustomization",
        ".gitlab-ci.yml",
    }
)
_SKIP_DIRS = ("node_modules/", "vendor/", "third_party/", "testdata/")
_INNER_SKIP = tuple(f"/{d}" for d in _SKIP_DIRS)


def is_evidence(path: str) -> bool:
    """A file the repository model reads: CI, build and script files, charts, kustomizations."""
    if path.startswith(_SKIP_DIRS) or any(d in path for d in _INNER_SKIP):
        return False
    folder, _, name = path.rpartition("/")
    if name in _EVIDENCE_NAMES:
        return True
    if folder == ".github/workflows":
        return name.endswith((".yml", ".yaml"))
    return name.startswith("requirements") and name.endswith((".txt", ".in"))
