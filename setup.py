"""Build hook: ship the notebooks and the bundled data inside the ``simulations`` package.

Everything else is in pyproject.toml. ``notebooks/`` and ``data/`` stay at the repository root;
a wheel gets copies under ``simulations/_bundle/`` so that ``devops-planner report`` runs on its
defaults after a plain ``pip install`` (``simulations.paths.repo_root`` falls back to them).
An editable install reads the repository itself and copies nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLE = {
    "notebooks": ("*.ipynb",),
    "data": ("README.md", "sample/*", "thresholds/*", "raw/**/*"),
}


class BuildWithBundle(build_py):
    """``build_py`` that also copies :data:`BUNDLE` into ``simulations/_bundle/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "simulations" / "_bundle"
        for folder, patterns in BUNDLE.items():
            for pattern in patterns:
                for src in sorted((ROOT / folder).glob(pattern)):
                    if src.is_file():
                        dst = target / folder / src.relative_to(ROOT / folder)
                        dst.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(src, dst)


setup(cmdclass={"build_py": BuildWithBundle})
