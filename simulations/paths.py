"""Find the project's bundled files whether code runs from the repo root, ``notebooks/`` or a test.

Notebook parameters hold paths such as ``"data/sample/service.yaml"`` that are relative to the
repository root; :func:`resolve` turns them into absolute paths so a notebook gives the same
answer under JupyterLab (working directory ``notebooks/``), papermill and ``make report``.

An installed wheel has no repository: the build copies ``notebooks/`` and ``data/`` into the
package as ``simulations/_bundle/`` (see ``setup.py``), and :func:`repo_root` falls back to it,
so the defaults work from any folder after ``pip install``.
"""

from __future__ import annotations

from pathlib import Path

from simulations.exceptions import SimulationError

__all__ = [
    "BUNDLE",
    "SAMPLE_MANIFEST",
    "SAMPLE_TRACE",
    "is_sample",
    "notebooks_dir",
    "repo_root",
    "resolve",
]

_MARKERS = ("pyproject.toml", "notebooks")
BUNDLE = Path(__file__).resolve().parent / "_bundle"
"""Where a wheel keeps its copies of ``notebooks/`` and ``data/``."""
SAMPLE_TRACE = "data/sample/web-service-14d.csv"
"""The bundled synthetic history (relative to the repository root)."""
SAMPLE_MANIFEST = "data/sample/change-manifest.yaml"
"""The bundled sample change."""


def _is_root(folder: Path) -> bool:
    # simulations/paths.py tells this project apart from any other with notebooks/ and data/
    return (
        all((folder / marker).exists() for marker in _MARKERS)
        and (folder / "data").is_dir()
        and (folder / "simulations" / "paths.py").is_file()
    )


def _is_bundle(folder: Path) -> bool:
    return (folder / "notebooks").is_dir() and (folder / "data").is_dir()


def repo_root(start: Path | None = None) -> Path:
    """The repository root: the first folder holding ``pyproject.toml``, ``notebooks/``, ``data/``.

    Looks at the folders above ``start`` (default: the working directory), then above this
    package (an editable install lives in the repository), then at the installed package's
    :data:`BUNDLE` (a plain ``pip install``).

    Raises:
        SimulationError: no such folder is found (a package installed without its bundle).
    """
    here = (start or Path.cwd()).resolve()
    candidates = [here, *here.parents, *Path(__file__).resolve().parents]
    for folder in candidates:
        if _is_root(folder):
            return folder
    if _is_bundle(BUNDLE):
        return BUNDLE
    raise SimulationError(
        f"cannot find the devops-planner notebooks and data: no repository (pyproject.toml, "
        f"notebooks/, data/) above {here} or {BUNDLE.parent}, and no {BUNDLE}"
    )


def notebooks_dir() -> Path:
    """The ``notebooks/`` folder of the repository."""
    return repo_root() / "notebooks"


def resolve(path: str | Path) -> Path:
    """An absolute path for ``path``.

    Absolute paths are kept. A relative path that exists from the working directory is taken
    from there; otherwise it is taken relative to the repository root. An empty string is an
    error (callers treat "" as "not given" before calling this).

    Raises:
        SimulationError: ``path`` is empty.
    """
    text = str(path)
    if not text:
        raise SimulationError("path: an empty path cannot be resolved")
    p = Path(text).expanduser()
    if p.is_absolute():
        return p
    if p.exists():
        return p.resolve()
    return repo_root() / p


def is_sample(path: str | Path) -> bool:
    """Whether ``path`` (a notebook parameter) is the bundled synthetic history."""
    if not str(path):
        return False
    try:
        return resolve(path).resolve() == resolve(SAMPLE_TRACE).resolve()
    except SimulationError:
        return False
