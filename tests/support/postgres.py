"""A real, throwaway PostgreSQL server for tests: initdb + pg_ctl on a temporary folder.

The server listens on a unix socket in that folder only (no TCP port), with ``trust``
authentication for its own superuser. PostgreSQL refuses to run as root, so under root the
server runs as the ``postgres`` system user the Debian package creates. Missing binaries skip
the test locally and fail it in CI (``.ci/run`` installs the Debian ``postgresql`` package).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["Postgres", "pg_bindir", "running_postgres"]


def pg_bindir() -> Path:
    """The folder of ``initdb``/``pg_ctl``: on PATH, else the newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    if os.environ.get("CI") == "true":
        pytest.fail("PostgreSQL is required in CI (.ci/run installs the Debian postgresql package)")
    pytest.skip("PostgreSQL server binaries not installed (Debian package postgresql)")


@dataclass(frozen=True)
class Postgres:
    """A running server: ``url`` for psql/pg_dump, ``env`` with ``DATABASE_URL`` set."""

    socket_dir: Path
    url: str

    @property
    def env(self) -> dict[str, str]:
        """The environment the plan's commands expect: ``DATABASE_URL`` and the client tools."""
        return {**os.environ, "DATABASE_URL": self.url, "PGCONNECT_TIMEOUT": "10"}

    def sql(self, text: str) -> str:
        """Run ``text`` with psql (stop on the first error) and return its unaligned output."""
        done = subprocess.run(
            ["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-c", text, self.url],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if done.returncode != 0:
            raise AssertionError(f"psql failed ({done.returncode}): {done.stderr}")
        return done.stdout.strip()

    def run(self, command: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Run one pasted plan command in bash, in the socket folder, with ``DATABASE_URL``."""
        return subprocess.run(
            ["bash", "-c", command],
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            env=self.env,
            cwd=self.socket_dir,
        )


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


@contextmanager
def running_postgres() -> Iterator[Postgres]:
    """Start a server in a new folder under the system temp dir, yield it, stop and remove it.

    Not under pytest's ``tmp_path``: its parents are private to the user running the tests,
    which the ``postgres`` user cannot enter, and a unix socket path must stay short.
    """
    bindir = pg_bindir()
    folder = Path(tempfile.mkdtemp(prefix="planner-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        folder.chmod(0o777)
    subprocess.run(
        _as_server_user(
            [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    options = f"-k {folder} -c listen_addresses='' -F"
    subprocess.run(
        _as_server_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        yield Postgres(folder, f"postgresql://postgres@/postgres?host={folder}")
    finally:
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(folder, ignore_errors=True)
