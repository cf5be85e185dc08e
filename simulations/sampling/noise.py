"""The canary measured as a sample: seeded noise draws of what canary and stable each report.

While a deploy splits traffic (exposure ``0 < e < 1``) the canary and the stable version are two
independent measurements of the requests each serves; the trace is the service's measurement of
all of them. At 0 % and 100 % one version serves everyone and reports the trace itself, a real
measurement: no noise is added. Per step, given the trace (requests ``n``, errors ``k``,
percentile ``q``):

* counts: the canary's requests ``C`` are ``Binomial(n, e)`` (its normal approximation where
  the variance is 25 or more, as the replay draws them) and its errors ``Binomial(k, C/n)``
  (each error falls on the canary with its share of the requests, as the replay draws them); the
  stable version's are the rest. If the trace's counts are Poisson, these thinned counts are
  independent Poissons (Poisson thinning), so canary and stable are independent measurements
  and the fleet's totals are the trace's exactly. Inside a labelled incident the trace is the new
  version's behaviour: the canary's errors are ``Binomial(k, C/n)`` and the stable version's
  ``Poisson(stable requests x its level)``.
* a latency percentile ``p``: each version's latency is log-normal with shape ``sigma`` (the
  replay's assumption), so the log of a percentile over ``m`` requests is normal around the
  true one with variance ``s^2 / m``, ``s = sigma sqrt(p (1 - p)) / phi(z_p)`` (the asymptotic
  variance of a sample quantile, Serfling 1980 sec. 2.3.3). The trace's own value already holds
  the full-traffic noise ``s^2 / n``, so the canary adds ``s^2 (1 / n_c - 1 / n)`` and the
  stable version is the complement ``(n ln q - n_c ln q_c) / n_s`` (to first order the percentile
  of the union is the count-weighted mean of the parts' log percentiles, the Bahadur
  representation): canary and stable are then independent, exactly as thinned counts are.
  Inside an incident the stable version is its level with its own noise ``s^2 / n_s``.
* per-pod heterogeneity: pods differ (noisy neighbours, cache warmth), so a percentile varies
  step to step more than request sampling explains. ``pod_variance`` ``tau2`` (variance of ``ln q``
  per step at full traffic) adds ``tau2 (1 / e - 1)`` to the canary (it runs on a share ``e`` of
  the pods); the stable version is again the complement. ``None`` calibrates it from the
  trace's own short-term variability: the robust variance of step-to-step differences of
  ``ln q`` over 2 (:func:`short_term_variance`), minus the sampling part ``s^2 / n``.
* any other metric without counts (a saturation, a ratio without counts): Gaussian noise with
  the trace's short-term variance ``v``, ``v (1 / e - 1)`` on the canary, ``v (1 / (1 - e) - 1)``
  on the stable version (the same 1/share scaling, all of ``v`` treated as measurement noise).

Draws are seeded: ``numpy.random.Generator(PCG64(SeedSequence([seed, *key])))`` per batch and
metric, so the same seed gives the same bytes whichever order or thread evaluates them.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_NOISE",
    "NO_NOISE",
    "SampleNoise",
    "calibrated_pod_variance",
    "generator",
    "quantile_spread",
    "short_term_variance",
    "split_counts",
    "split_level",
    "split_log_quantile",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
_MAD = 1.4826  # MAD to standard deviation for normal data


@dataclass(frozen=True)
class SampleNoise:
    """How many seeded noise draws per deploy, and the noise model's free parameters.

    Attributes:
        draws: noise draws per deploy (0: the exact model, canary = trace, no sampling noise).
        seed: the seed of every draw.
        pod_variance: per-pod heterogeneity, variance of ln(percentile) per step at full
            traffic; None calibrates it per trace (see the module docstring).
        latency_sigma: log-normal shape of request latency (the replay model's default).
    """

    draws: int = 32
    seed: int = 0
    pod_variance: float | None = None
    latency_sigma: float = 0.5

    def __post_init__(self) -> None:
        if self.draws < 0:
            raise ValueError(f"noise.draws(={self.draws}) must be >= 0")
        if self.seed < 0:
            raise ValueError(f"noise.seed(={self.seed}) must be >= 0")
        if self.pod_variance is not None and self.pod_variance < 0:
            raise ValueError(f"noise.pod_variance(={self.pod_variance}) must be >= 0")
        if self.latency_sigma <= 0:
            raise ValueError(f"noise.latency_sigma(={self.latency_sigma}) must be > 0")

    def describe(self) -> str:
        if not self.draws:
            return "exact (no sampling noise)"
        pods = "calibrated per trace" if self.pod_variance is None else f"{self.pod_variance:g}"
        return (
            f"{self.draws} seeded draws per deploy (seed {self.seed}): binomial thinning of "
            f"counts, log-normal percentile sampling (sigma {self.latency_sigma:g}), pod "
            f"variance {pods}"
        )


NO_NOISE = SampleNoise(draws=0)
DEFAULT_NOISE = SampleNoise()


def generator(seed: int, *key: int | str) -> np.random.Generator:
    """A PCG64 generator for ``key`` under ``seed`` (strings hashed with CRC-32: stable)."""
    words = [seed] + [k if isinstance(k, int) else zlib.crc32(k.encode()) for k in key]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(words)))


def quantile_spread(sigma: float, p: float) -> float:
    """``s``: the standard deviation of ln(sample p-quantile) times sqrt(requests)."""
    n = NormalDist()
    return sigma * math.sqrt(p * (1 - p)) / n.pdf(n.inv_cdf(p))


def short_term_variance(values: FloatArray, log: bool) -> float:
    """Robust variance of one sample's noise: (1.4826 MAD of first differences)^2 / 2.

    Differences of neighbours cancel the slow level (daily cycle, trends); halving their
    variance leaves one sample's. ``log`` works on ln(values) (positive values only).
    """
    v = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(v) & (v > 0) if log else np.isfinite(v)
    x = np.where(ok, np.log(np.where(ok, v, 1.0)) if log else v, np.nan)
    d = np.diff(x)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return 0.0
    mad = float(np.median(np.abs(d - np.median(d))))
    return (_MAD * mad) ** 2 / 2.0


def split_counts(rng: np.random.Generator, total: FloatArray, share: FloatArray) -> FloatArray:
    """``Binomial(total, share)`` per cell (NaN total: NaN); ``total`` holds whole numbers.

    Where the variance ``total x share x (1 - share)`` is 25 or more the draw is the normal
    approximation, rounded and clipped (as the replay draws canary requests); elsewhere exact.
    """
    ok = np.isfinite(total) & (total > 0)
    n = np.where(ok, np.rint(total), 0.0)
    p = np.clip(np.broadcast_to(share, n.shape), 0.0, 1.0)
    var = n * p * (1.0 - p)
    out = np.rint(n * p + np.sqrt(var) * rng.standard_normal(n.shape))
    out = np.clip(out, 0.0, n)
    small = np.flatnonzero((var < 25.0).ravel())
    if small.size:
        flat = out.reshape(-1)
        flat[small] = rng.binomial(n.reshape(-1)[small].astype(np.int64), p.reshape(-1)[small])
    return np.where(np.isnan(total), np.nan, out)


def split_log_quantile(
    rng: np.random.Generator,
    q: FloatArray,
    q_old: FloatArray,
    same: BoolArray,
    n: FloatArray,
    n_canary: FloatArray,
    share: FloatArray,
    s2: float | FloatArray,
    tau2: float | FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Canary and stable percentiles: ``q`` (trace, the new version's) and ``q_old`` (stable).

    ``same`` marks the cells where both versions behave alike (the canary's draw is then split
    off the trace's value, the stable one is the complement); elsewhere the stable version is
    ``q_old`` with its own noise. ``n`` requests in the step, ``n_canary`` of them the canary's,
    ``share`` the exposure; ``s2`` = ``s^2`` of :func:`quantile_spread`, ``tau2`` pod variance.
    Non-positive or NaN values stay as they are (NaN).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        nn = np.maximum(n, 1.0)
        nc = np.clip(n_canary, 1.0, None)
        e = np.clip(share, 1e-9, 1 - 1e-9)
        var_c = s2 * np.maximum(1.0 / nc - 1.0 / nn, 0.0) + tau2 * (1.0 / e - 1.0)
        ln_q = np.log(q)
        dev = np.sqrt(var_c) * rng.standard_normal(q.shape)
        # the complement: to first order the union's log-percentile is the share-weighted mean
        # of the parts' (requests for sampling, pods for heterogeneity; both shares ~ e)
        w = np.clip(n_canary / nn, 1e-9, 1 - 1e-9)
        ln_s = ln_q - w / (1.0 - w) * dev
        ln_c = ln_q + dev
        apart = np.flatnonzero(~np.asarray(same, dtype=np.bool_).ravel())
        if apart.size:  # inside an incident the stable version is its own level, own noise
            flat_s = ln_s.reshape(-1)
            ns = np.clip(nn - n_canary, 1.0, None)
            var_s = s2 / ns + tau2 * (1.0 / (1.0 - e) - 1.0)
            var_s = np.broadcast_to(var_s, q.shape).reshape(-1)[apart]
            old = np.log(np.asarray(q_old, dtype=np.float64).reshape(-1)[apart])
            flat_s[apart] = old + np.sqrt(var_s) * rng.standard_normal(apart.size)
    canary = np.exp(ln_c)
    stable = np.exp(ln_s)
    canary[~np.isfinite(ln_q)] = np.nan
    stable[~np.isfinite(stable)] = np.nan
    return canary, stable


def split_level(
    rng: np.random.Generator,
    v: FloatArray,
    v_old: FloatArray,
    share: FloatArray,
    var: float | FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Canary and stable values of a metric without counts: Gaussian, ``var (1/share - 1)``."""
    e = np.clip(share, 1e-9, 1 - 1e-9)
    c = v + np.sqrt(var * (1.0 / e - 1.0)) * rng.standard_normal(v.shape)
    s = v_old + np.sqrt(var * (1.0 / (1.0 - e) - 1.0)) * rng.standard_normal(v.shape)
    return c, s


def calibrated_pod_variance(values: FloatArray, s2: float, requests: float) -> float:
    """``tau2`` calibrated from a trace: the short-term variance of ln(``values``) beyond sampling.

    :func:`short_term_variance` of the healthy ``values`` (log) minus the sampling part
    ``s2 / requests`` (``requests`` per step, the median; with 0 or ``s2`` 0 there is none),
    never below 0 (see the module docstring).
    """
    sampling = s2 / requests if s2 and requests > 0 else 0.0
    return max(0.0, short_term_variance(values, True) - sampling)
