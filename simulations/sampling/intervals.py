"""95 % intervals for rates (backtest, tuning, replay), on the effective number of deploys.

Wilson's score interval (Wilson 1927; Brown, Cai & DasGupta 2001, *Statistical Science* 16(2),
who recommend it over the Wald interval for small n) for a proportion ``k / n``. The counts may
be fractional: a rate measured over ``n`` rows that carry only ``n_eff`` independent deploys'
worth of information is judged as ``rate x n_eff`` successes out of ``n_eff`` (a design-effect
correction, Kish 1965). Two rows are not independent when they replay the same stretch of the
trace: the onset-stage replays of one incident, overlapping healthy deploys, and the noise draws
of one deploy. So:

* incident replays: ``n_eff`` = the number of distinct incidents replayed;
* healthy deploys: ``n_eff`` = the minutes the healthy deploys cover (their union, per trace)
  divided by one deploy's duration, at most the number of deploys.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

__all__ = ["Z95", "covered_deploys", "wilson"]

Z95 = NormalDist().inv_cdf(0.975)


def wilson(rate: float | None, n_eff: float, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval ``[low, high]`` of a proportion ``rate`` seen on ``n_eff`` trials.

    None when there is no rate or no trial. ``rate`` in [0, 1]; ``n_eff`` may be fractional.
    """
    if rate is None or not n_eff > 0 or not math.isfinite(rate):
        return None
    p = min(max(rate, 0.0), 1.0)
    z2 = z * z
    denom = 1.0 + z2 / n_eff
    centre = (p + z2 / (2.0 * n_eff)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n_eff + z2 / (4.0 * n_eff * n_eff)) / denom
    low = 0.0 if p == 0.0 else max(0.0, centre - half)  # exactly 0 (1) at k = 0 (n): no rounding
    high = 1.0 if p == 1.0 else min(1.0, centre + half)
    return low, high


def covered_deploys(starts: NDArray[np.int64], length: int) -> float:
    """Independent deploys' worth in deploys of ``length`` steps starting at ``starts`` (one trace).

    The union of ``[start, start + length)`` over the deploys, in deploy lengths: deploys that
    overlap share their samples, so ten deploys started a minute apart are worth about one.
    """
    if starts.size == 0 or length <= 0:
        return 0.0
    s = np.sort(starts)
    # Each deploy adds what it covers beyond the previous one's end (starts sorted, same length).
    gaps = np.minimum(np.diff(s), length)
    covered = float(length + gaps.sum())
    return min(float(s.size), covered / length)
