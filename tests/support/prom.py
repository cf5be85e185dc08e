"""A real Prometheus server for tests: backfill a TSDB from OpenMetrics, serve it on loopback.

Use :func:`start_prometheus` (or the ``prometheus_server`` fixture pattern in
``tests/test_prometheus.py``) from any test module::

    from support.prom import PromServer, format_openmetrics, start_prometheus

Missing ``prometheus``/``promtool`` binaries skip the test locally and fail it when ``CI=true``.
"""

from __future__ import annotations

import math
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import requests

__all__ = ["PromServer", "format_openmetrics", "free_port", "require_binaries", "start_prometheus"]


def require_binaries() -> tuple[str, str]:
    """Paths of ``prometheus`` and ``promtool``; skip (or fail under ``CI=true``) when absent."""
    found = shutil.which("prometheus"), shutil.which("promtool")
    if None in found:
        reason = "prometheus/promtool not installed (Debian package 'prometheus')"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: required under CI")
        pytest.skip(reason)
    return found[0] or "", found[1] or ""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _value(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    return repr(float(v))


def format_openmetrics(
    families: Mapping[str, Sequence[tuple[Mapping[str, str], pd.Series]]],
) -> str:
    """OpenMetrics text: family name -> [(labels, series indexed by UTC time)], gauges.

    Values are written with ``repr`` (shortest exact form) and ``NaN`` as ``NaN``; timestamps in
    seconds with millisecond precision (Prometheus' resolution).
    """
    lines = []
    for family, members in families.items():
        lines.append(f"# TYPE {family} gauge")
        for labels, series in members:
            inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
            name = f"{family}{{{inner}}}" if inner else family
            idx = pd.DatetimeIndex(series.index).as_unit("ns")
            for ns, v in zip(idx.asi8, series.to_numpy(dtype=float), strict=True):
                lines.append(f"{name} {_value(v)} {ns // 1_000_000 / 1000:.3f}")
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class PromServer:
    """A running server: its base URL and data directory."""

    url: str
    data_dir: Path


WEB_CONFIG_BASIC = "basic_auth_users:\n  {user}: {bcrypt}\n"


@contextmanager
def start_prometheus(
    workdir: Path, openmetrics: str, web_config: str | None = None, ready_timeout: float = 60.0
) -> Iterator[PromServer]:
    """Backfill ``openmetrics`` into a TSDB under ``workdir`` and serve it until the block ends.

    The server listens on a free loopback port, keeps 100 years of data (backfilled history is
    old), and is killed at exit. ``web_config`` is a ``--web.config.file`` body (e.g. basic auth).
    """
    prometheus, promtool = require_binaries()
    data = workdir / "tsdb"
    data.mkdir(parents=True, exist_ok=True)
    source = workdir / "input.om"
    source.write_text(openmetrics)
    subprocess.run(
        [
            promtool,
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=8760h",
            str(source),
            str(data),
        ],  # one block: backfilling 2-hour blocks is slow
        check=True,
        capture_output=True,
        timeout=300,
    )
    config = workdir / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1h\n")
    port = free_port()
    args = [
        prometheus,
        f"--config.file={config}",
        f"--storage.tsdb.path={data}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--storage.tsdb.retention.time=100y",
        "--log.level=warn",
    ]
    if web_config is not None:
        (workdir / "web.yml").write_text(web_config)
        args.append(f"--web.config.file={workdir / 'web.yml'}")
    log = (workdir / "prometheus.log").open("wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"prometheus exited: {(workdir / 'prometheus.log').read_text()}")
            try:
                if requests.get(f"{url}/-/ready", timeout=1).status_code in (200, 401):
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"prometheus not ready after {ready_timeout} s")
            time.sleep(0.2)
        yield PromServer(url=url, data_dir=data)
    finally:
        proc.kill()
        proc.wait(timeout=30)
        log.close()
