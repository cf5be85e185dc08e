"""Monte Carlo: N replications under one seed, on local processes or a dask cluster.

Run ``r`` draws everything from ``default_rng([seed, r])`` (:mod:`.world`), so the result does
not depend on how runs are split: the same seed gives the same bytes on one core, all local
cores (a process pool) or a ``dask.distributed`` scheduler.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pandas as pd

from simulations.exceptions import ReplayError
from simulations.replay.fast import replay_runs
from simulations.replay.measure.outcome import RunResult
from simulations.replay.measure.summary import ReplaySummary, summarise
from simulations.replay.setup import Setup

__all__ = ["Progress", "Simulation", "simulate"]

Progress = Callable[[int], object]
"""A callback told how many more runs are done."""


@dataclass(frozen=True, eq=False)
class Simulation:
    """The runs (one row per replication, sorted by ``run``) and their summary."""

    runs: pd.DataFrame
    summary: ReplaySummary
    seed: int


def _chunk(setup: Setup, seed: int, runs: Sequence[int]) -> list[RunResult]:
    return replay_runs(setup, seed, runs)


MIN_CHUNK = 64  # runs per task: below this, process start-up outweighs the work


def _chunks(n: int, parts: int) -> list[range]:
    size = max(MIN_CHUNK, -(-n // parts))
    return [range(i, min(n, i + size)) for i in range(0, n, size)]


def _local(
    setup: Setup, seed: int, n: int, workers: int, progress: Progress | None = None
) -> list[RunResult]:
    # with a progress callback, smaller chunks report more often (a run's result does not
    # depend on its chunk: each run draws from its own stretch of the stream)
    parts = workers * (8 if progress else 2)
    if workers <= 1 or n <= MIN_CHUNK:
        if progress is None:
            return replay_runs(setup, seed, range(n))
        out: list[RunResult] = []
        for chunk in _chunks(n, max(parts, 8)):
            out += replay_runs(setup, seed, chunk)
            progress(len(chunk))
        return out
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunks = _chunks(n, parts)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        results: list[RunResult] = []
        for part in pool.map(_chunk, [setup] * len(chunks), [seed] * len(chunks), chunks):
            results += part
            if progress is not None:
                progress(len(part))
        return results


def _dask(setup: Setup, seed: int, n: int, address: str, timeout: float) -> list[RunResult]:
    distributed = importlib.import_module("distributed")  # heavy: only when asked for
    try:
        client = distributed.Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ReplayError(f"--dask {address}: cannot reach the scheduler: {exc}") from None
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        remote = client.scatter(setup, broadcast=True)
        futures = [
            client.submit(_chunk, remote, seed, c, pure=False) for c in _chunks(n, workers * 2)
        ]
        return [r for part in client.gather(futures) for r in part]
    finally:
        client.close()


def simulate(
    setup: Setup,
    runs: int,
    seed: int,
    workers: int | None = None,
    dask_address: str | None = None,
    connect_timeout_s: float = 10.0,
    progress: Progress | None = None,
) -> Simulation:
    """Replay ``runs`` replications.

    Args:
        workers: local processes (default: all cores); 1 runs in this process.
        dask_address: a ``dask.distributed`` scheduler (``tcp://host:port``) to run on instead.
        connect_timeout_s: how long to try reaching the scheduler.
        progress: called with the number of runs each finished chunk held (local runs only).

    Raises:
        ReplayError: ``runs`` < 1, a negative seed, or the scheduler cannot be reached.
    """
    if runs < 1:
        raise ReplayError(f"runs(={runs}) must be >= 1")
    if seed < 0:
        raise ReplayError(f"seed(={seed}) must be >= 0")
    if dask_address:
        results = _dask(setup, seed, runs, dask_address, connect_timeout_s)
    else:
        results = _local(setup, seed, runs, workers or os.cpu_count() or 1, progress)
    frame = pd.DataFrame([r.row() for r in results]).sort_values("run", ignore_index=True)
    order = tuple(s.name for s in setup.stages)
    detectors = tuple(d.name for d in setup.detectors)
    return Simulation(frame, summarise(frame, order, detectors, setup.run_steps), seed)
