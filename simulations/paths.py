"""Find the project's bundled files whether code runs from the repo root, ``notebooks/`` or a test.

Notebook parameters hold paths such as ``"data/sample/service.yaml"`` that are relative to the
repository root; :func:`resolve` turns them into absolute paths so a notebook gives the same
answer under JupyterLab (working directory ``notebooks/``), papermill and ``make report``.
"""

from __future__ import annotations

from pathlib import Path

from simulations.exceptions import SimulationError

__all__ = ["notebooks_dir", "repo_root", "resolve"]

_MARKERS = ("pyproject.toml", "notebooks")


def _is_root(folder: Path) -> bool:
    return all((folder / marker).exists() for marker in _MARKERS) and (folder / "data").is_dir()


def repo_root(start: Path | None = None) -> Path:
    """The repository root: the first folder holding ``pyproject.toml``, ``notebooks/``, ``data/``.

    Looks at the folders above ``start`` (default: the working directory), then above this
    package (an editable install lives in the repository).

    Raises:
        SimulationError: no such folder is found.
    """
    here = (start or Path.cwd()).resolve()
    candidates = [here, *here.parents, *Path(__file__).resolve().parents]
    for folder in candidates:
        if _is_root(folder):
            return folder
    raise SimulationError(
        f"cannot find the devops-planner repository (pyproject.toml, notebooks/, data/) "
        f"above {here} or {Path(__file__).resolve().parent}"
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
