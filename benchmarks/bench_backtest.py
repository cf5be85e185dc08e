"""Benchmark: 10,000 noisy deploy replays of a rule set through the backtest's sample model.

Target (issue 15): the backtest of a bundled canary-scope rule set on the 14-day sample
trace, every deploy (incident replays and healthy deploys) judged under enough seeded noise
draws of the canary's measurement to make at least 10,000 replays, scored with intervals, in
under 2 s on the 2-core dev machine. Then all five bundled sets, for the record. Prints the
figures; exits 1 when the target is missed.
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

from simulations.backtest.deploys import DeploySampling, build_batches
from simulations.backtest.exposure import DEFAULT_ROLLOUT
from simulations.backtest.run import load_defaults, run_backtest
from simulations.loaders.read import read_traces
from simulations.sampling.noise import SampleNoise

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS, REPLAYS = 2.0, 10_000


def main() -> int:
    traces = read_traces([str(ROOT / "data/sample/web-service-14d.csv")], [])
    rows = sum(b.n_rows for b in build_batches(traces, DeploySampling(DEFAULT_ROLLOUT)))
    draws = math.ceil(REPLAYS / rows)
    settings = DeploySampling(DEFAULT_ROLLOUT, noise=SampleNoise(draws=draws, seed=1))
    rule_sets = [(rs, "defaults") for rs in load_defaults().rule_sets]
    # the first set with a canary-scope rule: its deploys are measured through the noise draws
    rule_sets.sort(key=lambda x: not any(r.scope == "canary" for r in x[0].rules))
    run_backtest(rule_sets[:1], traces, DeploySampling(DEFAULT_ROLLOUT))  # warm up imports
    t0, c0 = time.perf_counter(), time.process_time()
    run_backtest(rule_sets[:1], traces, settings)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    t1 = time.perf_counter()
    report = run_backtest(rule_sets, traces, settings)
    all_five = time.perf_counter() - t1
    busy = os.getloadavg()[0] > 1.5 * (os.cpu_count() or 1)
    ok = wall < TARGET_SECONDS or (busy and cpu < TARGET_SECONDS)
    print(
        f"backtest: {rule_sets[0][0].name}, {rows} deploys x {draws} noise draws = "
        f"{rows * draws:,} replays: {wall:.2f} s wall, {cpu:.2f} s CPU, load average "
        f"{os.getloadavg()[0]:.1f} (target < {TARGET_SECONDS:g} s"
        f"{', judged on CPU: machine busy' if busy else ''}) {'OK' if ok else 'MISSED'}"
    )
    print(f"all {len(rule_sets)} bundled rule sets: {all_five:.2f} s wall")
    best = min(report.results, key=lambda r: r.score.false_rollbacks_per_100 or 0.0)
    print(f"fewest false rollbacks: {best.name} {best.score.false_rollbacks_per_100:.1f}/100")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
