"""File-system steps of publishing a report: readable modes and atomic folder replacement."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["make_readable", "replace_folder"]


def make_readable(*paths: Path) -> None:
    """Give published files the usual modes (0644 files, 0755 folders, less the umask).

    Temporary files and folders are created private (0600/0700); a report is meant to be read,
    for example through a web server, by other users.
    """
    umask = os.umask(0)
    os.umask(umask)
    for p in paths:
        p.chmod((0o755 if p.is_dir() else 0o644) & ~umask)


def replace_folder(src: Path, target: Path) -> Path:
    """Rename ``src`` to ``target``; an existing ``target`` is moved aside first, then removed.

    Both renames are within one folder, so each is atomic; between them ``target`` is briefly
    absent but never half-written.
    """
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        target.replace(old / target.name)
    src.replace(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
