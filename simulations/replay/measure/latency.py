"""Fleet latency from the mixture of two log-normal latency distributions.

Assumption: request latency of each version is log-normal. A version's distribution is fixed by
one percentile ``p`` (the monitored statistic, e.g. p95) and a shape ``sigma``:
``mu = ln(x_p) - z_p * sigma``. ``sigma`` is common to both versions (default
:data:`DEFAULT_SIGMA`; p95/p50 ~ 2.3, typical of web APIs) unless the trace has p50 beside the
statistic, from which the caller may fit it. The fleet's percentile is the ``p``-quantile of the
traffic-weighted mixture ``w * F_new + (1 - w) * F_old``, found by bisection on ``ln x``; it lies
between the two versions' own percentiles. Averaging percentiles would understate a slow canary.
"""

from __future__ import annotations

import math

import numpy as np

from simulations._types import FloatArray

__all__ = ["DEFAULT_SIGMA", "mixture_quantile", "norm_cdf", "z_of"]

DEFAULT_SIGMA = 0.5
_Z = {"p50": 0.0, "p90": 1.2815515655446004, "p95": 1.6448536269514722, "p99": 2.3263478740408408}
_ITERATIONS = 48  # bisection halvings of the log interval: far below a microsecond of latency


def z_of(statistic: str | None) -> float:
    """Standard-normal quantile of a percentile name (``"p95"`` -> 1.645); mean/None -> 0."""
    return _Z.get(statistic or "p50", 0.0)


def norm_cdf(x: FloatArray) -> FloatArray:
    """Standard normal CDF, vectorised (Abramowitz & Stegun 7.1.26, error < 1.5e-7)."""
    t_arg = np.abs(x) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * t_arg)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = 1.0 - poly * np.exp(-t_arg * t_arg)
    return np.asarray(0.5 * (1.0 + np.sign(x) * erf), dtype=np.float64)


def mixture_quantile(
    new: FloatArray, old: FloatArray, weight: FloatArray, z: float, sigma: float = DEFAULT_SIGMA
) -> FloatArray:
    """Percentile of the mixture of two log-normals given each one's same percentile.

    Args:
        new: the new version's percentile (ms), per step.
        old: the stable version's percentile (ms), per step.
        weight: the new version's share of traffic, 0 to 1, per step.
        z: standard-normal quantile of the percentile (1.645 for p95).
        sigma: common log-normal shape.

    Returns:
        The mixture's percentile (ms); NaN where either input is NaN.
    """
    with np.errstate(divide="ignore", invalid="ignore"):  # zero latency (padding): no answer
        ln_new, ln_old = np.log(new), np.log(old)
        mu_new, mu_old = ln_new - z * sigma, ln_old - z * sigma
        target = norm_cdf(np.full(1, z))[0]
        lo, hi = np.minimum(ln_new, ln_old), np.maximum(ln_new, ln_old)
        for _ in range(_ITERATIONS):
            mid = 0.5 * (lo + hi)
            cdf = weight * norm_cdf((mid - mu_new) / sigma) + (1 - weight) * norm_cdf(
                (mid - mu_old) / sigma
            )
            below = cdf < target
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
    return np.asarray(np.exp(0.5 * (lo + hi)), dtype=np.float64)
